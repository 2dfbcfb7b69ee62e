/**
 * Timestamps as every SQL store writes them: `toISOString()` text, so they
 * compare and sort as strings on every database and come back as written.
 */

/** The canonical text of an instant; TypeError for text that is not one. */
export function canonicalTimestamp(now: string): string {
  const instant = new Date(now);
  if (typeof now !== 'string' || Number.isNaN(instant.getTime())) throw new TypeError(`Invalid timestamp ${JSON.stringify(now)}`);
  return instant.toISOString();
}
