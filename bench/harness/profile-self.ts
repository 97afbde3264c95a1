import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { join } from 'node:path';
import { type ProfileSummary, summariseProfile } from './profile-summary.js';

/**
 * V8's CPU profiler (what `node --cpu-prof` runs) over `during`, in this process: for the paths a
 * benchmark runs in-process (ingest, replay). Writes `<dir>/<name>.cpuprofile` and summarises it.
 */
export async function profileSelf(
  dir: string,
  name: string,
  during: () => Promise<unknown>,
): Promise<ProfileSummary> {
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  let failure: unknown;
  await during().catch((error: unknown) => {
    failure = error;
  });
  const { profile } = await session.post('Profiler.stop');
  session.disconnect();
  if (failure !== undefined) throw failure;
  const file = join(dir, `${name}.cpuprofile`);
  writeFileSync(file, JSON.stringify(profile));
  return summariseProfile(file, name);
}
