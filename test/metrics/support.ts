/**
 * Reading /metrics the way Prometheus does. A strict parser of the text
 * exposition format 0.0.4 written for the tests: the npm parser we tried
 * (parse-prometheus-text-format 1.1.1) drops the labels, _sum and _count of
 * labelled histograms, and this format is small. Every sample must belong
 * to a family declared by # TYPE, every label be `name="escaped value"`,
 * every value a float; anything else fails the test.
 */
import { expect } from 'vitest';

export interface Sample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

export interface Scrape {
  /** Family name → its TYPE (counter, gauge, histogram, summary, untyped). */
  readonly types: ReadonlyMap<string, string>;
  readonly samples: readonly Sample[];
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*/;
const LABEL = /^([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\n]|\\[\\"n])*)"/;
const HISTOGRAM_SUFFIXES = ['_bucket', '_sum', '_count'];

function unescape(value: string): string {
  return value.replace(/\\([\\"n])/g, (_, character: string) => (character === 'n' ? '\n' : character));
}

/** As Prometheus reads values (Go's ParseFloat): NaN and Inf in any case, which prom-client relies on ("Nan"). */
function parseValue(text: string, line: string): number {
  const lower = text.toLowerCase();
  if (lower === '+inf' || lower === 'inf') return Number.POSITIVE_INFINITY;
  if (lower === '-inf') return Number.NEGATIVE_INFINITY;
  if (lower === 'nan') return Number.NaN;
  const value = Number(text);
  if (text === '' || Number.isNaN(value)) throw new Error(`Not a sample value in "${line}"`);
  return value;
}

function familyOf(name: string, types: ReadonlyMap<string, string>): string | undefined {
  if (types.has(name)) return name;
  const suffix = HISTOGRAM_SUFFIXES.find((candidate) => name.endsWith(candidate));
  const base = suffix === undefined ? undefined : name.slice(0, -suffix.length);
  return base !== undefined && ['histogram', 'summary'].includes(types.get(base) ?? '') ? base : undefined;
}

export function parseScrape(text: string): Scrape {
  expect(text.endsWith('\n'), 'the exposition ends with a line feed').toBe(true);
  const types = new Map<string, string>();
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line === '') continue;
    if (line.startsWith('#')) {
      const type = /^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge|histogram|summary|untyped)$/.exec(line);
      if (type !== null) types.set(type[1]!, type[2]!);
      else if (!line.startsWith('# HELP ')) throw new Error(`Unknown comment line "${line}"`);
      continue;
    }
    const name = METRIC_NAME.exec(line)?.[0];
    if (name === undefined) throw new Error(`No metric name in "${line}"`);
    if (familyOf(name, types) === undefined) throw new Error(`Sample ${name} before (or without) its # TYPE line`);
    let rest = line.slice(name.length);
    const labels: Record<string, string> = {};
    if (rest.startsWith('{')) {
      rest = rest.slice(1);
      while (!rest.startsWith('}')) {
        const label = LABEL.exec(rest);
        if (label === null) throw new Error(`Malformed labels in "${line}"`);
        labels[label[1]!] = unescape(label[2]!);
        rest = rest.slice(label[0].length);
        if (rest.startsWith(',')) rest = rest.slice(1);
      }
      rest = rest.slice(1);
    }
    const [valueText, ...timestamp] = rest.trim().split(' ');
    if (!rest.startsWith(' ') || timestamp.length > 1) throw new Error(`Malformed sample "${line}"`);
    samples.push({ name, labels, value: parseValue(valueText ?? '', line) });
  }
  return { types, samples };
}

function matching(scrape: Scrape, name: string, labels: Readonly<Record<string, string>>): Sample[] {
  return scrape.samples.filter((sample) => sample.name === name && Object.entries(labels).every(([label, value]) => sample.labels[label] === value));
}

/** The sum of the samples named `name` whose labels include `labels` (0 when there are none). */
export function sampleValue(scrape: Scrape, name: string, labels: Readonly<Record<string, string>> = {}): number {
  return matching(scrape, name, labels).reduce((total, sample) => total + sample.value, 0);
}

/** A histogram's observation count (its _count samples) for the series whose labels include `labels`. */
export function histogramCount(scrape: Scrape, name: string, labels: Readonly<Record<string, string>> = {}): number {
  expect(scrape.types.get(name), name).toBe('histogram');
  return sampleValue(scrape, `${name}_count`, labels);
}

export function labelValues(scrape: Scrape, name: string, label: string): string[] {
  return [...new Set(matching(scrape, name, {}).map((sample) => sample.labels[label]).filter((value): value is string => value !== undefined))].sort();
}

export function familyType(scrape: Scrape, name: string): string | undefined {
  return scrape.types.get(name);
}
