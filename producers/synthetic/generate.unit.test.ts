import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkMyNumber } from '../../identity/my-number.js';
import { isMunicipalityCode } from '../exports/municipality-code.js';
import { parseRow, type RowError } from '../exports/parse-row.js';
import type { ExportFormat } from '../exports/read-export.js';
import { readExport } from '../exports/read-export.js';
import { EXPORT_SYSTEMS, type ExportRow, type ExportSystem } from '../exports/systems.js';
import { generateExports, type Manifest } from './generate.js';

const tempDir = () => mkdtemp(join(tmpdir(), 'synthetic-'));

async function generate(
  format: ExportFormat,
  invalidRate = 0,
  seed = 42,
): Promise<{ dir: string; manifest: Manifest }> {
  const dir = await tempDir();
  const manifest = await generateExports({ seed, residents: 300, outDir: dir, format, invalidRate });
  return { dir, manifest };
}

async function readAll(dir: string, manifest: Manifest, system: ExportSystem) {
  const file = join(dir, manifest.files[system].file);
  const rows: ExportRow[] = [];
  const errors: RowError[] = [];
  for await (const item of readExport(file)) {
    if (!item.ok) throw new Error(`line ${item.line}: ${item.message}`);
    const parsed = parseRow(system, item.record, { file: manifest.files[system].file, line: item.line });
    if (parsed.ok) rows.push(parsed.row);
    else errors.push(parsed.error);
  }
  return { rows, errors };
}

describe('generateExports', () => {
  it('is deterministic: the same seed gives byte-identical files, another seed different ones', async () => {
    const a = await generate('csv', 0.02);
    const b = await generate('csv', 0.02);
    const c = await generate('csv', 0.02, 43);
    for (const name of [...EXPORT_SYSTEMS.map((s) => `${s}.csv`), 'manifest.json']) {
      expect(await readFile(join(a.dir, name))).toEqual(await readFile(join(b.dir, name)));
    }
    expect(await readFile(join(a.dir, 'juki.csv'))).not.toEqual(await readFile(join(c.dir, 'juki.csv')));
  });

  it.each(['csv', 'jsonl'] as const)(
    '%s: every row passes its system schema and the data is plausible',
    async (format) => {
      const { dir, manifest } = await generate(format);
      const changeTypes = new Set<string>();
      for (const system of EXPORT_SYSTEMS) {
        const { rows, errors } = await readAll(dir, manifest, system);
        expect(errors).toEqual([]);
        expect(rows.length).toBe(manifest.files[system].rows);
        expect(rows.length).toBeGreaterThan(0);
        const last = new Map<string, number>();
        for (const row of rows) {
          expect(checkMyNumber(row.my_number).ok).toBe(true);
          // The pension service's export names no municipality: its provider is always jps.
          const provider = row.system === 'pension' ? 'jps' : row.municipality_code;
          if (row.system !== 'pension') expect(isMunicipalityCode(provider)).toBe(true);
          // Juki sequences are per resident; item sequences per resident, provider and kind, gap-free.
          const key = system === 'juki' ? row.my_number : `${row.my_number}:${provider}`;
          expect(row.sequence).toBe((last.get(key) ?? 0) + 1);
          last.set(key, row.sequence);
          if (row.system === 'juki') changeTypes.add(row.change_type);
        }
      }
      expect([...changeTypes].sort()).toEqual(
        [
          'ADDRESS_CHANGE',
          'BIRTH',
          'CORRECTION',
          'DEATH',
          'MOVE_IN',
          'MOVE_OUT',
          'NAME_CHANGE',
          'REGISTRATION',
        ].sort(),
      );
    },
  );

  it('pairs every move-out with a move-in of the same resident in the destination municipality', async () => {
    const { dir, manifest } = await generate('csv');
    const { rows } = await readAll(dir, manifest, 'juki');
    const juki = rows.filter((r) => r.system === 'juki');
    const moveOuts = juki.filter((r) => r.change_type === 'MOVE_OUT');
    expect(moveOuts.length).toBeGreaterThan(0);
    for (const out of moveOuts) {
      const moveIn = juki.find((r) => r.my_number === out.my_number && r.sequence === out.sequence + 1);
      expect(moveIn).toMatchObject({
        change_type: 'MOVE_IN',
        municipality_code: out.address_municipality_code,
      });
    }
  });

  it.each(['csv', 'jsonl'] as const)(
    '%s: the rows broken on purpose are rejected at the manifest line and field, and only those',
    async (format) => {
      const { dir, manifest } = await generate(format, 0.05);
      const kinds = new Set<string>();
      for (const system of EXPORT_SYSTEMS) {
        const { errors } = await readAll(dir, manifest, system);
        const expected = manifest.files[system].invalid;
        expect(errors.map((e) => [e.line, e.field])).toEqual(expected.map((i) => [i.line, i.field]));
        for (const error of errors) expect(error.message).not.toMatch(/\d{12}/);
        for (const invalid of expected) kinds.add(invalid.kind);
      }
      expect([...kinds].sort()).toEqual(['bad-check-digit', 'bad-date', 'missing-field']);
    },
  );
});
