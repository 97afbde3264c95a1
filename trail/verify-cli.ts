import { existsSync, readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { z } from 'zod';
import { fromBase64, toBase64 } from './log/verifier/bytes.js';
import { parseVerifierKey, type VerifierKey } from './log/verifier/note.js';
import { ConsistencyProofJson, InclusionProofJson } from './log/verifier/proof-json.js';
import { verifyResidentEntry } from './log/verifier/resident-entry.js';
import { verifyCheckpoint, verifyEntryInclusion, verifyLogConsistency } from './log/verifier/verify.js';

export const USAGE = `usage:
  npx tsx trail/verify.ts checkpoint  --key KEY CHECKPOINT
  npx tsx trail/verify.ts inclusion   --key KEY --checkpoint CHECKPOINT --proof PROOF.json --entry ENTRY
                                      [--resident-key TRAILKEY]
  npx tsx trail/verify.ts consistency --key KEY --old CHECKPOINT --new CHECKPOINT --proof PROOF.json
options:
  --key KEY       the log's verifier key (<name>+<key id>+<base64>), or a file holding it
  --origin NAME   the log's origin, if it differs from the key name
  --resident-key  a resident's trail key (base64, from their history answer), or a file holding it:
                  the entry must also be a public trail entry bound to that resident
Exit status: 0 verified; 1 verification failed (the reason is printed); 2 unusable input.`;

/** Why a run could not even verify: a missing file, bad JSON, a malformed key. Exit status 2. */
class UsageError extends Error {}

export interface VerifierIo {
  out(line: string): void;
  err(line: string): void;
}

const readInput = (path: string | undefined, what: string): Uint8Array => {
  if (!path) throw new UsageError(`${what} is missing`);
  if (!existsSync(path)) throw new UsageError(`${what} ${path} does not exist`);
  return new Uint8Array(readFileSync(path));
};

function readProof<S extends typeof InclusionProofJson | typeof ConsistencyProofJson>(
  schema: S,
  path: string | undefined,
): z.output<S> {
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder().decode(readInput(path, '--proof')));
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError(`--proof ${path} is not JSON`);
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new UsageError(`--proof ${path}: ${issue?.path.join('.') || '(root)'}: ${issue?.message}`);
  }
  return parsed.data as z.output<S>;
}

async function readKey(value: string | undefined): Promise<VerifierKey> {
  if (!value) throw new UsageError('--key is missing');
  const text = existsSync(value) ? readFileSync(value, 'utf8') : value;
  const parsed = await parseVerifierKey(text.trim());
  if (!parsed.ok) throw new UsageError(`--key: ${parsed.detail}`);
  return parsed.key;
}

function readResidentKey(value: string): Uint8Array {
  const text = existsSync(value) ? readFileSync(value, 'utf8').trim() : value;
  const key = fromBase64(text);
  if (key?.length !== 32) throw new UsageError('--resident-key: not the base64 of a 32-byte trail key');
  return key;
}

/** Runs the verifier on command-line arguments; returns the exit status. */
export async function runVerifier(args: readonly string[], io: VerifierIo): Promise<number> {
  try {
    const { positionals, values } = parseArgs({
      args: [...args],
      allowPositionals: true,
      options: Object.fromEntries(
        ['key', 'origin', 'checkpoint', 'proof', 'entry', 'old', 'new', 'resident-key'].map((name) => [
          name,
          { type: 'string' },
        ]),
      ) as Record<string, { type: 'string' }>,
    });
    const key = await readKey(values.key);
    const origin = values.origin ?? key.name;
    const report = (
      result: { ok: true } | { ok: false; reason: string; detail: string },
      success: string,
    ) => {
      if (result.ok) {
        io.out(`verified: ${success}`);
        return 0;
      }
      io.err(`verification FAILED (${result.reason}): ${result.detail}`);
      return 1;
    };
    switch (positionals[0]) {
      case 'checkpoint': {
        const result = await verifyCheckpoint(readInput(positionals[1], 'the checkpoint file'), key, origin);
        return report(result, result.ok ? describe(result.checkpoint) : '');
      }
      case 'inclusion': {
        const claim = {
          entry: readInput(values.entry, '--entry'),
          proof: readProof(InclusionProofJson, values.proof),
          checkpoint: readInput(values.checkpoint, '--checkpoint'),
          key,
          origin,
        };
        if (values['resident-key'] !== undefined) {
          const residentKey = readResidentKey(values['resident-key']);
          const result = await verifyResidentEntry({ ...claim, residentKey });
          return report(
            result,
            result.ok
              ? `entry ${result.index} is in the log and is the resident's: ${result.entry.recordedAt} ${result.entry.requester} ${result.entry.officeWork} ${result.entry.itemKind} ${result.entry.outcome}`
              : '',
          );
        }
        const result = await verifyEntryInclusion(claim);
        return report(result, result.ok ? `entry ${result.index} is in ${describe(result.checkpoint)}` : '');
      }
      case 'consistency': {
        const result = await verifyLogConsistency({
          older: readInput(values.old, '--old'),
          newer: readInput(values.new, '--new'),
          proof: readProof(ConsistencyProofJson, values.proof),
          key,
          origin,
        });
        return report(
          result,
          result.ok ? `${describe(result.newer)} extends size ${result.older.size} (nothing rewritten)` : '',
        );
      }
      default:
        throw new UsageError(positionals[0] ? `unknown command ${positionals[0]}` : 'a command is missing');
    }
  } catch (error) {
    const parseArgsError = String((error as { code?: unknown }).code ?? '').startsWith('ERR_PARSE_ARGS');
    if (!(error instanceof UsageError) && !parseArgsError) throw error;
    io.err(`${(error as Error).message}\n${USAGE}`);
    return 2;
  }
}

const describe = (checkpoint: { origin: string; size: number; root: Uint8Array }) =>
  `the log ${checkpoint.origin} at size ${checkpoint.size} (root ${toBase64(checkpoint.root)})`;
