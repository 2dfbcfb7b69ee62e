import { afterEach, describe, expect, it, vi } from 'vitest';
import { printDeliveryDetails } from './output.js';

describe('the delivery details a terminal shows', () => {
  afterEach(() => vi.restoreAllMocks());

  function printed(run: () => void): string {
    const lines: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => (lines.push(String(chunk)), true));
    run();
    return lines.join('');
  }

  const view = {
    id: 'd1',
    status: 'failed',
    event: { type: 'user.created' },
    attempts: [{ attempt: 1, startedAt: '2026-12-07T10:00:00.123Z', durationMs: 12, statusCode: 503, error: 'receiver answered 503' }],
  };

  it('lists the fields, the event, then each attempt with its error last', () => {
    const text = printed(() => printDeliveryDetails(view));
    expect(text).toContain('id      d1\nstatus  failed\n');
    expect(text).toContain('"type": "user.created"');
    expect(text).toMatch(/#\s+STARTED\s+MS\s+ERROR\n1\s+2026-12-07T10:00:00Z\s+12\s+receiver answered 503/);
  });

  it("puts a webhook's extra columns before the error", () => {
    const text = printed(() => printDeliveryDetails(view, [{ header: 'STATUS', value: (attempt) => attempt.statusCode }]));
    expect(text).toMatch(/MS\s+STATUS\s+ERROR\n1\s+\S+\s+12\s+503\s+receiver answered 503/);
  });
});
