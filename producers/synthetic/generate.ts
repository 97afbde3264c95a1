import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ExportFormat } from '../exports/read-export.js';
import { EXPORT_COLUMNS, EXPORT_SYSTEMS, type ExportSystem } from '../exports/systems.js';
import { epochDay, type LifeContext } from './context.js';
import { corruptRow, INVALID_KINDS, type InvalidKind } from './corrupt.js';
import type { RowValues } from './emit.js';
import { head, myNumberIssuer, newHousehold, personFactory } from './household.js';
import { liveYear, register } from './life.js';
import { MUNICIPALITIES } from './municipalities.js';
import { createPrng } from './prng.js';
import { createExportWriter, type ExportWriter } from './writer.js';

export interface GenerateOptions {
  seed: number;
  /** Residents at the start; births add more. */
  residents: number;
  outDir: string;
  format: ExportFormat;
  /** Fraction of rows broken on purpose (0 by default). */
  invalidRate?: number;
  firstYear?: number;
  years?: number;
}

export interface InvalidRow {
  line: number;
  kind: InvalidKind;
  field: string;
}

export interface ExportFileManifest {
  file: string;
  rows: number;
  invalid: InvalidRow[];
}

export interface Manifest {
  seed: number;
  residents: number;
  format: ExportFormat;
  firstYear: number;
  years: number;
  invalidRate: number;
  files: Record<ExportSystem, ExportFileManifest>;
}

/**
 * Writes one export file per system into `outDir`, plus `manifest.json` naming every row
 * broken on purpose. Deterministic: the same options give byte-identical files. Households
 * are simulated one at a time and written through buffered streams, so memory does not grow
 * with the number of residents. Corruption draws from its own stream, so a different
 * `invalidRate` leaves the other rows unchanged.
 */
/** Exports added after the first five: their rows never change the others'. */
const LATER_SYSTEMS: readonly ExportSystem[] = ['disability-certificate', 'pension'];

export async function generateExports(options: GenerateOptions): Promise<Manifest> {
  const firstYear = options.firstYear ?? 2019;
  const years = options.years ?? 6;
  const invalidRate = options.invalidRate ?? 0;
  const root = createPrng(options.seed);
  const corruption = root.fork('invalid');
  // Systems added later break rows from streams of their own (see LifeContext.laterPrng).
  const corruptionOf = new Map<ExportSystem, ReturnType<typeof root.fork>>(
    LATER_SYSTEMS.map((system) => [system, root.fork(`invalid-${system}`)]),
  );
  await mkdir(options.outDir, { recursive: true });

  const writers = {} as Record<ExportSystem, ExportWriter>;
  const files = {} as Record<ExportSystem, ExportFileManifest>;
  for (const system of EXPORT_SYSTEMS) {
    const file = `${system}.${options.format}`;
    writers[system] = createExportWriter(join(options.outDir, file), options.format, EXPORT_COLUMNS[system]);
    files[system] = { file, rows: 0, invalid: [] };
  }
  const householdCounters = new Map<string, number>();
  const ctx: LifeContext = {
    prng: root.fork('life'),
    laterPrng: root.fork('later-items'),
    people: personFactory(root.fork('people'), myNumberIssuer(root.fork('my-numbers'))),
    sink: (system, values: RowValues) => {
      let broken: { kind: InvalidKind; field: string } | undefined;
      const breaker = corruptionOf.get(system) ?? corruption;
      if (invalidRate > 0 && breaker.chance(invalidRate)) {
        const kind = breaker.pick(INVALID_KINDS);
        broken = { kind, field: corruptRow(system, values, kind, breaker) };
      }
      const line = writers[system].write(values);
      files[system].rows++;
      if (broken) files[system].invalid.push({ line, ...broken });
    },
    newHouseholdId: (code) => {
      const next = (householdCounters.get(code) ?? 0) + 1;
      householdCounters.set(code, next);
      return `${code}-${String(next).padStart(7, '0')}`;
    },
  };

  const start = epochDay(firstYear);
  let residents = 0;
  while (residents < options.residents) {
    const municipality = ctx.prng.pick(MUNICIPALITIES);
    const household = newHousehold(
      ctx.newHouseholdId(municipality.code),
      municipality,
      start,
      ctx.prng,
      ctx.people,
    );
    household.members.length = Math.min(household.members.length, options.residents - residents);
    residents += household.members.length;
    register(household, start, ctx);
    for (let year = firstYear; year < firstYear + years && head(household); year++)
      liveYear(household, year, ctx);
    await Promise.all(EXPORT_SYSTEMS.map((system) => writers[system].ready()));
  }
  await Promise.all(EXPORT_SYSTEMS.map((system) => writers[system].close()));

  const manifest: Manifest = {
    seed: options.seed,
    residents: options.residents,
    format: options.format,
    firstYear,
    years,
    invalidRate,
    files,
  };
  await writeFile(join(options.outDir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}
