/**
 * `npm run bench -- --compare-with DIR` / `--compare-env K=V`: two variants
 * of Scimitar measured in one run, alternately. The baseline is `src/` of
 * another directory (the tree before a change) or this checkout with other
 * settings (the request log switched off, say); the other is this checkout.
 *
 * On a shared machine one run of each, one after the other, measures the
 * other people's work as much as the change: each round runs both
 * variants back to back, and the rounds alternate which goes first, so
 * load from elsewhere falls on both alike. Every (variant, round) gets a
 * freshly seeded database: the write scenarios take resources never
 * written before, and a second round on the same file would find them
 * written. The figure compared is the server's CPU time per operation
 * (its median over the rounds, with the range), which depends least on
 * who else has the CPU.
 */
import type { Options } from './options.js';
import type { ScenarioOutcome, TargetRun } from './results.js';

export interface Variant {
  readonly label: string;
  /** The directory whose src/ is compiled; the checkout for the variant under test. */
  readonly srcFrom: string;
  readonly env: Readonly<Record<string, string>>;
}

export interface VariantRound {
  readonly variant: string;
  readonly round: number;
  readonly run: TargetRun;
}

export interface ComparisonRun {
  readonly variants: readonly Variant[];
  readonly rounds: readonly VariantRound[];
}

/** The two variants of a comparison: the baseline first. */
export function variantsOf(options: Options, checkout: string): readonly [Variant, Variant] | undefined {
  const { compare } = options;
  if (compare === undefined) return undefined;
  const thisTree = options.srcFrom ?? checkout;
  const baselineEnv = { ...options.serverEnv, ...compare.env };
  const describe = (srcFrom: string, env: Record<string, string>) => {
    const settings = Object.entries(env).map(([name, value]) => `${name}=${value}`);
    return [srcFrom === checkout ? 'this checkout' : `src/ of ${srcFrom}`, ...settings].join(', ');
  };
  return [
    { label: `before (${describe(compare.srcFrom ?? thisTree, compare.env)})`, srcFrom: compare.srcFrom ?? thisTree, env: baselineEnv },
    { label: `after (${describe(thisTree, {})})`, srcFrom: thisTree, env: options.serverEnv },
  ];
}

/**
 * Runs `rounds` rounds; in round r the variants run in the order
 * [a, b] when r is odd and [b, a] when even. `measure` seeds a fresh
 * database for the variant and runs every scenario on it.
 */
export async function compareVariants(variants: readonly [Variant, Variant], rounds: number, measure: (variant: Variant, variantIndex: number, round: number) => Promise<TargetRun>): Promise<ComparisonRun> {
  const results: VariantRound[] = [];
  for (let round = 1; round <= rounds; round += 1) {
    const order = round % 2 === 1 ? [0, 1] : [1, 0];
    for (const index of order) {
      const variant = variants[index]!;
      results.push({ variant: variant.label, round, run: await measure(variant, index, round) });
    }
  }
  return { variants, rounds: results };
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

function figure(value: number, digits = 3): string {
  return Number.isFinite(value) ? Number(value.toPrecision(digits)).toLocaleString('en-US', { maximumFractionDigits: 6 }) : '—';
}

interface Summary {
  readonly cpu: readonly number[];
  readonly opsPerSecond: readonly number[];
  readonly otherCores: readonly number[];
  readonly failures: readonly string[];
}

function summarise(outcomes: readonly ScenarioOutcome[]): Summary {
  const measured = outcomes.filter((outcome) => outcome.result !== undefined && outcome.status === 'measured');
  return {
    cpu: measured.map((outcome) => outcome.result!.serverCpuMsPerOp),
    opsPerSecond: measured.map((outcome) => outcome.result!.operationsPerSecond),
    otherCores: measured.map((outcome) => outcome.result!.otherCpuCores),
    failures: outcomes.filter((outcome) => outcome.status !== 'measured' || outcome.flagged === true).map((outcome) => `${outcome.status}${outcome.reason !== undefined ? `: ${outcome.reason}` : ''}`),
  };
}

function spread(values: readonly number[]): string {
  if (values.length === 0) return '—';
  return `${figure(median(values))} (${figure(Math.min(...values))}–${figure(Math.max(...values))})`;
}

/** The comparison as Markdown: per scenario, each variant's CPU ms/op and ops/s over the rounds, and the change of the medians. */
export function formatComparison(comparison: ComparisonRun): string {
  const [before, after] = comparison.variants;
  if (before === undefined || after === undefined) return '';
  const outcomesOf = (variant: Variant, scenarioId: string) =>
    comparison.rounds.filter((round) => round.variant === variant.label).flatMap((round) => round.run.outcomes.filter((outcome) => outcome.scenarioId === scenarioId));
  const scenarios = new Map<string, string>();
  for (const round of comparison.rounds) for (const outcome of round.run.outcomes) scenarios.set(outcome.scenarioId, outcome.title);
  const roundCount = Math.max(0, ...comparison.rounds.map((round) => round.round));
  const lines = [
    `### Comparison: ${roundCount} alternating rounds`,
    '',
    `- **before**: ${before.label.replace(/^before \((.*)\)$/, '$1')}`,
    `- **after**: ${after.label.replace(/^after \((.*)\)$/, '$1')}`,
    '',
    'Server CPU ms per operation and ops/s: median of the rounds (min–max). The change is of the medians.',
    '',
    '| scenario | CPU ms/op before | CPU ms/op after | CPU/op change | ops/s before | ops/s after | other processes (cores, max) | notes |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const [scenarioId, title] of scenarios) {
    const a = summarise(outcomesOf(before, scenarioId));
    const b = summarise(outcomesOf(after, scenarioId));
    const change = (median(b.cpu) / median(a.cpu) - 1) * 100;
    const notes = [...a.failures.map((text) => `before: ${text}`), ...b.failures.map((text) => `after: ${text}`)].join('; ');
    lines.push(
      `| ${title} | ${spread(a.cpu)} | ${spread(b.cpu)} | ${Number.isFinite(change) ? `${change >= 0 ? '+' : ''}${change.toFixed(1)}%` : '—'} | ${spread(a.opsPerSecond)} | ${spread(b.opsPerSecond)} | ${figure(Math.max(0, ...a.otherCores, ...b.otherCores), 2)} | ${notes} |`,
    );
  }
  return lines.join('\n');
}
