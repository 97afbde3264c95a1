import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { SCHEMAS_DIR } from '../catalogue.js';
import { encodeEvent } from '../codec.js';
import { eventFromJson, eventToJson, type TsunagiEvent } from '../events.js';
import { SAMPLE_EVENTS } from './samples.js';

/**
 * Golden fixtures: `schemas/<subject>/fixtures/v<N>.json` (the domain event, JSON form) and
 * `v<N>.hex` (its Avro body at version N, no wire header). They pin the encoding: a change to a
 * schema or the codec that alters bytes fails the fixture test. Regenerate deliberately with
 * `npx tsx schemas/testing/fixtures.ts`, and review the diff.
 */
export interface Fixture {
  subject: string;
  version: number;
  json: unknown;
  hex: string;
}

export const fixturePaths = (subject: string, version: number, dir: string = SCHEMAS_DIR) => ({
  json: join(dir, subject, 'fixtures', `v${version}.json`),
  hex: join(dir, subject, 'fixtures', `v${version}.hex`),
});

export function readFixture(subject: string, version: number, dir: string = SCHEMAS_DIR): Fixture {
  const paths = fixturePaths(subject, version, dir);
  return {
    subject,
    version,
    json: JSON.parse(readFileSync(paths.json, 'utf8')),
    hex: readFileSync(paths.hex, 'utf8').trim(),
  };
}

export function fixtureOf(subject: string, version: number, event: TsunagiEvent): Fixture {
  return { subject, version, json: eventToJson(event), hex: encodeEvent(event, version).toString('hex') };
}

export function writeFixtures(dir: string = SCHEMAS_DIR): string[] {
  const written: string[] = [];
  for (const [subject, versions] of Object.entries(SAMPLE_EVENTS)) {
    for (const [version, event] of Object.entries(versions)) {
      const fixture = fixtureOf(subject, Number(version), eventFromJson(eventToJson(event)));
      const paths = fixturePaths(subject, fixture.version, dir);
      mkdirSync(join(dir, subject, 'fixtures'), { recursive: true });
      writeFileSync(paths.json, `${JSON.stringify(fixture.json, null, 2)}\n`);
      writeFileSync(paths.hex, `${fixture.hex}\n`);
      written.push(paths.json, paths.hex);
    }
  }
  return written;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  for (const path of writeFixtures()) process.stdout.write(`wrote ${path}\n`);
}
