// Preloaded into a service under test (NODE_OPTIONS=--import=<this file>) when BENCH_CPU_PROFILE_DIR
// is set: SIGUSR2 starts V8's CPU profiler (the one `node --cpu-prof` uses), the next SIGUSR2 stops
// it and writes `<dir>/<name>-<pid>.cpuprofile`. So the profile covers the load window only, and
// services started by infra/ need no change (Node 20 refuses --cpu-prof in NODE_OPTIONS).
import { renameSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { basename, join } from 'node:path';

const dir = process.env.BENCH_CPU_PROFILE_DIR;
if (dir) {
  const name = process.env.BENCH_CPU_PROFILE_NAME ?? basename(process.argv[1] ?? 'node', '.ts');
  let session;
  process.on('SIGUSR2', () => {
    if (!session) {
      session = new Session();
      session.connect();
      session.post('Profiler.enable', () => session.post('Profiler.start'));
      return;
    }
    const running = session;
    session = undefined;
    running.post('Profiler.stop', (error, result) => {
      if (!error) {
        // Written under another name first: the benchmark waits for the final name to appear.
        const file = join(dir, `${name}-${process.pid}.cpuprofile`);
        writeFileSync(`${file}.part`, JSON.stringify(result.profile));
        renameSync(`${file}.part`, file);
      }
      running.disconnect();
    });
  });
}
