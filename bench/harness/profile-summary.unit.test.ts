import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { summariseProfile } from './profile-summary.js';
import { latencySummary, ratio } from './stats.js';

const dir = mkdtempSync(join(tmpdir(), 'tsunagi-profile-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const frame = (functionName: string, url = '') => ({
  functionName,
  url,
  lineNumber: 0,
  columnNumber: 0,
  scriptId: '0',
});

describe('summariseProfile', () => {
  it('gives idle and GC shares, names a native frame after its JavaScript caller, leaves out the profiler itself, and writes folded stacks', () => {
    const lmdb = 'file:///x/node_modules/lmdb/write.js';
    const profile = {
      nodes: [
        { id: 1, callFrame: frame('(root)'), children: [2, 3, 4, 6] },
        { id: 2, callFrame: frame('(idle)') },
        { id: 3, callFrame: frame('(garbage collector)') },
        { id: 4, callFrame: frame('finishTxn', lmdb), children: [5] },
        { id: 5, callFrame: frame('(anonymous)') },
        { id: 6, callFrame: frame('post', 'node:inspector'), children: [7] },
        { id: 7, callFrame: frame('dispatch') },
      ],
      samples: [2, 2, 3, 5, 5, 7],
      timeDeltas: [100, 100, 100, 100, 100, 5000],
      startTime: 0,
      endTime: 1_000_000,
    };
    const file = join(dir, 'p.cpuprofile');
    writeFileSync(file, JSON.stringify(profile));
    const summary = summariseProfile(file, 'projector');
    expect(summary).toMatchObject({ process: 'projector', idlePercent: 40, gcPercent: 20, seconds: 1 });
    expect(summary.topFunctions[0]).toEqual({
      name: '(anonymous)',
      where: '← finishTxn lmdb/write.js:1',
      selfPercent: 40,
    });
    expect(summary.topAreas).toContainEqual({ area: 'lmdb (native)', selfPercent: 40 });
    expect(summary.topFunctions.map((f) => f.name)).not.toContain('dispatch');
    expect(readFileSync(join(dir, 'p.folded'), 'utf8')).toContain('finishTxn;(anonymous) 200');
  });
});

describe('latencySummary and ratio', () => {
  it('takes nearest-rank percentiles and two-decimal ratios', () => {
    const samples = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(latencySummary(samples)).toEqual({ p50Ms: 50, p99Ms: 99, maxMs: 100, samples: 100 });
    expect(ratio(485, 6224)).toBe(0.08);
    expect(ratio(1, 0)).toBeUndefined();
  });
});
