import { parseArgs } from 'node:util';
import { z } from 'zod';
import { TsunagiError } from '../../core/errors.js';
import { createLogger } from '../../platform/logger.js';
import { generateExports } from './generate.js';

/**
 * tsx producers/synthetic/cli.ts --seed 42 --residents 1000 --out DIR [--format csv|jsonl]
 *   [--invalid-rate 0.01] [--first-year 2019] [--years 6]
 */
const Args = z.object({
  seed: z.coerce.number().int().min(0).max(0xffffffff),
  residents: z.coerce.number().int().min(1),
  out: z.string().min(1),
  format: z.enum(['csv', 'jsonl']).default('csv'),
  'invalid-rate': z.coerce.number().min(0).max(1).default(0),
  'first-year': z.coerce.number().int().min(1900).max(2999).default(2019),
  years: z.coerce.number().int().min(1).max(100).default(6),
});

async function main(): Promise<void> {
  const logger = createLogger({ name: 'synthetic' });
  const { values } = parseArgs({
    options: {
      seed: { type: 'string' },
      residents: { type: 'string' },
      out: { type: 'string' },
      format: { type: 'string' },
      'invalid-rate': { type: 'string' },
      'first-year': { type: 'string' },
      years: { type: 'string' },
    },
  });
  const parsed = Args.safeParse(values);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const option = String(issue?.path[0] ?? '?');
    throw new TsunagiError('INPUT_INVALID', `--${option}: ${issue?.message}`, { path: option });
  }
  const args = parsed.data;
  const started = performance.now();
  const manifest = await generateExports({
    seed: args.seed,
    residents: args.residents,
    outDir: args.out,
    format: args.format,
    invalidRate: args['invalid-rate'],
    firstYear: args['first-year'],
    years: args.years,
  });
  const rows = Object.fromEntries(Object.entries(manifest.files).map(([system, f]) => [system, f.rows]));
  const total = Object.values(rows).reduce((a, b) => a + b, 0);
  logger.info(
    { out: args.out, rows, total, ms: Math.round(performance.now() - started) },
    'synthetic exports written',
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
