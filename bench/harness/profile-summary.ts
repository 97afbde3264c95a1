import { readFileSync, writeFileSync } from 'node:fs';
import { relative, resolve } from 'node:path';

/**
 * A flame graph in numbers: from a V8 `.cpuprofile` (node --cpu-prof, or the profiler hook), the
 * share of wall time that was idle, in GC, and the functions and packages with the most self time.
 * Also writes the folded stacks (`a;b;c <µs>`) beside it, the input of any flame graph tool.
 */
export interface ProfileSummary {
  process: string;
  file: string;
  seconds: number;
  idlePercent: number;
  gcPercent: number;
  programPercent: number;
  topFunctions: Array<{ name: string; where: string; selfPercent: number }>;
  topAreas: Array<{ area: string; selfPercent: number }>;
}

interface CpuProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface CpuProfile {
  nodes: CpuProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

const ROOT = resolve(import.meta.dirname, '..', '..');
const SPECIAL = new Set(['(root)', '(idle)', '(program)', '(garbage collector)']);

/** Where a frame's code lives: a package, Node's own code, or our module folder. */
function areaOf(url: string, functionName: string): string {
  if (!url) return SPECIAL.has(functionName) ? functionName : '(native)';
  const pkg = url.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/);
  if (pkg) return pkg[1] as string;
  if (url.startsWith('node:')) return `node:${url.slice(5).split('/')[0]}`;
  const path = url.replace(/^file:\/\//, '');
  return `tsunagi/${relative(ROOT, path).split('/')[0]}`;
}

const where = (frame: CpuProfileNode['callFrame']) =>
  frame.url
    ? `${frame.url
        .replace(/^file:\/\//, '')
        .replace(`${ROOT}/`, '')
        .replace(/.*node_modules\//, '')}:${frame.lineNumber + 1}`
    : '';

export function summariseProfile(file: string, processName: string, top = 12): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  // The profiler's own start/stop (inspector `post` → native `dispatch`) is not the process's work.
  const isProfiler = (id: number) =>
    byId.get(id)?.callFrame.functionName === 'dispatch' &&
    byId.get(parent.get(id) ?? -1)?.callFrame.functionName === 'post';
  const selfUs = new Map<number, number>();
  profile.samples.forEach((id, i) => {
    if (!isProfiler(id)) selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  });
  /** A native frame is named after the nearest JavaScript caller: `writev ← kafkajs/src/network/connection.js:…`. */
  const callerOf = (id: number) => {
    for (let at = parent.get(id); at !== undefined; at = parent.get(at)) {
      const frame = byId.get(at)?.callFrame;
      if (frame?.url) return frame;
    }
    return undefined;
  };
  const placeOf = (id: number): string => {
    const frame = callerOf(id);
    return frame ? `← ${frame.functionName || '(anonymous)'} ${where(frame)}` : '';
  };
  const total = [...selfUs.values()].reduce((a, b) => a + b, 0) || 1;
  const percent = (us: number) => Math.round((us / total) * 1000) / 10;

  const functions = new Map<string, { name: string; where: string; us: number }>();
  const areas = new Map<string, number>();
  const special: Record<string, number> = {};
  const folded = new Map<string, number>();
  for (const [id, us] of selfUs) {
    const node = byId.get(id);
    if (!node) continue;
    const name = node.callFrame.functionName || '(anonymous)';
    if (SPECIAL.has(name)) special[name] = (special[name] ?? 0) + us;
    const place = node.callFrame.url || SPECIAL.has(name) ? where(node.callFrame) : placeOf(id);
    const key = `${name} ${place}`;
    const entry = functions.get(key) ?? { name, where: place, us: 0 };
    entry.us += us;
    functions.set(key, entry);
    const caller = node.callFrame.url || SPECIAL.has(name) ? undefined : callerOf(id);
    const area = caller ? `${areaOf(caller.url, '')} (native)` : areaOf(node.callFrame.url, name);
    areas.set(area, (areas.get(area) ?? 0) + us);
    const stack: string[] = [];
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const frame = byId.get(at)?.callFrame;
      if (frame && frame.functionName !== '(root)') stack.unshift(frame.functionName || '(anonymous)');
    }
    folded.set(stack.join(';'), (folded.get(stack.join(';')) ?? 0) + us);
  }
  writeFileSync(
    file.replace(/\.cpuprofile$/, '.folded'),
    [...folded].map(([stack, us]) => `${stack} ${us}`).join('\n'),
  );
  const busy = [...functions.values()].filter((f) => !['(idle)', '(root)'].includes(f.name));
  return {
    process: processName,
    file,
    seconds: Math.round((profile.endTime - profile.startTime) / 1e5) / 10,
    idlePercent: percent(special['(idle)'] ?? 0),
    gcPercent: percent(special['(garbage collector)'] ?? 0),
    programPercent: percent(special['(program)'] ?? 0),
    topFunctions: busy
      .sort((a, b) => b.us - a.us)
      .slice(0, top)
      .map((f) => ({ name: f.name, where: f.where, selfPercent: percent(f.us) })),
    topAreas: [...areas]
      .filter(([area]) => area !== '(idle)')
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([area, us]) => ({ area, selfPercent: percent(us) })),
  };
}

export function formatProfile(s: ProfileSummary): string {
  return [
    `  profile ${s.process}: ${s.seconds} s, idle ${s.idlePercent} %, GC ${s.gcPercent} %, (program) ${s.programPercent} % — ${s.file}`,
    `    top self time: ${s.topFunctions
      .slice(0, 8)
      .map((f) => `${f.name} ${f.selfPercent} %${f.where ? ` (${f.where})` : ''}`)
      .join('; ')}`,
    `    by package/folder: ${s.topAreas
      .slice(0, 8)
      .map((a) => `${a.area} ${a.selfPercent} %`)
      .join(', ')}`,
  ].join('\n');
}

/** `npx tsx bench/harness/profile-summary.ts FILE.cpuprofile` prints the summary of any profile. */
if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) {
  for (const file of process.argv.slice(2)) console.log(formatProfile(summariseProfile(file, file)));
}
