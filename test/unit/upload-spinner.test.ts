import { describe, expect, it } from 'vitest';
import type { Activity } from '../../src/ui/activity.js';
import { createIO } from '../../src/ui/io.js';
import { humanReporter } from '../../src/ui/run-reporter.js';
import { createStyle } from '../../src/ui/style.js';

// The upload spinner on a terminal: nothing claims a rate or a time left before the first byte has gone.

function terminalReporter() {
  const updates: string[] = [];
  const notes: string[] = [];
  const activity: Activity = { update: (t) => void updates.push(t), note: (l) => void notes.push(l), out: () => {}, stop: () => {} };
  const io = createIO({ stdout: { write: () => true, isTTY: true }, stderr: { write: () => true, isTTY: true }, env: {}, colorFlag: false, verbose: false });
  let clock = 1_000;
  const reporter = humanReporter(io, activity, createStyle(false), () => clock);
  return { reporter, updates, notes, tick: (ms: number) => void (clock += ms) };
}

describe('the upload spinner', () => {
  it('says it is starting until the first byte, then shows progress, rate and time left', () => {
    const { reporter, updates, tick } = terminalReporter();
    reporter.emit({ type: 'upload-started', uri: 'oss://b/k/', bytes: 2_000_000, files: 3, started: true });
    reporter.emit({ type: 'upload-progress', sent: 0, total: 2_000_000, files: 0, totalFiles: 3 });
    expect(updates.at(-1)).toBe('Uploading 3 files, 2.0 MB: starting…');
    expect(updates.join('\n')).not.toMatch(/0%|0 B\/s|ETA/);
    tick(1000);
    reporter.emit({ type: 'upload-progress', sent: 1_000_000, total: 2_000_000, files: 1, totalFiles: 3 });
    expect(updates.at(-1)).toBe('Uploading 50% 1/3 files 1.0 MB/2.0 MB 1.0 MB/s ETA 1s');
    reporter.close();
  });
});
