/** The human form of a `scimitar check` report. */
import { IDP_PROFILES } from './idp-profiles.js';
import type { CheckReport, CheckStep } from './run-check.js';

const MARKS = { pass: 'ok  ', fail: 'FAIL' } as const;

/** One progress line per step (stderr while the check runs). */
export function formatStep(step: CheckStep): string {
  const who = step.idp === undefined ? 'transport' : step.idp;
  return `[${MARKS[step.outcome]}] ${who.padEnd(9)} ${step.name} — ${step.method} ${step.path} → ${step.status ?? 'no answer'}`;
}

export function formatReport(report: CheckReport): string {
  const lines: string[] = [`scimitar check ${report.url}`, ''];
  for (const step of report.steps) {
    lines.push(formatStep(step));
    for (const diagnosis of step.diagnoses) lines.push(`         ${diagnosis.finding}`);
  }
  lines.push('');
  for (const idp of report.idps) {
    const failed = report.steps.filter((step) => (step.idp === idp || step.idp === undefined) && step.outcome === 'fail');
    lines.push(`${IDP_PROFILES[idp].displayName}: ${failed.length === 0 ? 'would connect and provision.' : `would FAIL (${failed.length} failed ${failed.length === 1 ? 'step' : 'steps'}).`}`);
  }
  if (report.diagnoses.length > 0) {
    lines.push('', 'Diagnosis:');
    for (const diagnosis of report.diagnoses) {
      lines.push(`- ${diagnosis.code}: ${diagnosis.finding}`, `  The identity provider: ${diagnosis.idpConclusion}`, `  Likely fix: ${diagnosis.fix}`);
    }
  }
  lines.push('');
  if (report.interrupted) lines.push('Interrupted.');
  const { userNames, leftBehind } = report.cleanup;
  if (leftBehind.length > 0) lines.push(`Clean-up FAILED: delete ${leftBehind.join(', ')} by hand.`);
  else if (userNames.length > 0) lines.push(`Clean-up: no throwaway user known to be left behind (${userNames.join(', ')}).`);
  lines.push(report.ok ? 'Result: PASS' : 'Result: FAIL');
  return lines.join('\n');
}
