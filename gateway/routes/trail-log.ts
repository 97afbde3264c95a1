import type { FastifyReply } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { TsunagiError } from '../../core/errors.js';
import type { TrailLogReader } from '../../trail/log/reader.js';
import { parseTilePath } from '../../trail/log/tiles.js';
import { consistencyProofToJson, inclusionProofToJson } from '../../trail/log/verifier/proof-json.js';
import { ErrorBody } from '../errors.js';

export interface TrailLogRoutesOptions {
  trailLog: TrailLogReader;
  /** The log's verifier key (`<name>+<key id>+<base64>`), as published to auditors. */
  verifierKey: () => string;
}

const text = (description: string) => ({
  description,
  content: { 'text/plain; charset=utf-8': { schema: z.string() } },
});
const bytes = (description: string) => ({
  description,
  content: { 'application/octet-stream': { schema: z.string().describe('binary') } },
});
const errors = { 400: ErrorBody, 404: ErrorBody, 429: ErrorBody, 503: ErrorBody };
// The wire form of verifier/proof-json.ts (which parses these strings into bytes).
const hash = z.base64().length(44).describe('base64 of a 32-byte SHA-256 hash');
export const InclusionProofBody = z.object({
  index: z.int().describe('the entry'),
  size: z.int().describe('the tree size the proof is for'),
  leafHash: hash,
  hashes: z.array(hash).describe('RFC 9162 inclusion path, deepest first'),
});
export const ConsistencyProofBody = z.object({
  size1: z.int(),
  size2: z.int(),
  hashes: z.array(hash).describe('RFC 9162 consistency path, deepest first'),
});
const position = z.coerce.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);
// Checkpoints change as the log grows; an entry and a tile (full, or partial of a given width) never do.
const IMMUTABLE = 'public, max-age=31536000, immutable';

/**
 * The access trail's Merkle log, public and read-only (no agency certificate, no session): the
 * latest signed checkpoint, inclusion and consistency proofs as JSON (docs/trail-log.md, "Proofs"),
 * single entries, and the C2SP tlog-tiles resources (`/v1/trail/` is the log's tiles prefix:
 * `checkpoint`, `tile/<L>/<N>[.p/<W>]`, `tile/entries/<N>[.p/<W>]`), so outside tools can verify.
 * Nothing here names a resident: entries are public trail entries (trail/log/public-entry.ts).
 */
export const trailLogRoutes: FastifyPluginAsyncZod<TrailLogRoutesOptions> = async (app, options) => {
  const { trailLog } = options;
  const tags = ['trail'];

  app.get(
    '/v1/trail/checkpoint',
    {
      schema: {
        summary: 'The latest signed checkpoint (C2SP tlog-checkpoint in a signed note, Ed25519)',
        tags,
        response: { 200: text('the signed note, byte for byte'), ...errors },
      },
    },
    async (_request, reply) => {
      const checkpoint = trailLog.checkpoint();
      if (!checkpoint)
        throw new TsunagiError('NOT_FOUND', 'the log has not published a checkpoint yet', {
          path: 'checkpoint',
        });
      return reply
        .header('cache-control', 'no-cache')
        .type('text/plain; charset=utf-8')
        .send(checkpoint.note);
    },
  );

  app.get(
    '/v1/trail/verifier-key',
    {
      schema: {
        summary: "The log's verifier key (<name>+<key id>+<base64>): compare it with the published one",
        tags,
        response: { 200: text('the key string and a newline'), ...errors },
      },
    },
    async (_request, reply) => reply.type('text/plain; charset=utf-8').send(`${options.verifierKey()}\n`),
  );

  app.get(
    '/v1/trail/proofs/inclusion',
    {
      schema: {
        summary: 'Inclusion proof of the entry at a trail position (the Kafka offset = log index)',
        tags,
        querystring: z.strictObject({
          index: position.describe('the entry: its offset on the access-trail topic'),
          size: position
            .optional()
            .describe('the tree size (a checkpoint size); default: the latest checkpoint'),
        }),
        response: { 200: InclusionProofBody, ...errors },
      },
    },
    async (request) => {
      const { index, size } = request.query;
      const treeSize = size ?? latestSize();
      if (index >= treeSize)
        throw new TsunagiError('NOT_FOUND', `entry ${index} is not in the tree of size ${treeSize}`, {
          path: 'querystring.index',
        });
      return inclusionProofToJson(trailLog.prover().inclusion(index, treeSize));
    },
  );

  app.get(
    '/v1/trail/proofs/consistency',
    {
      schema: {
        summary: 'Consistency proof: the tree of size2 extends the tree of size1 (nothing rewritten)',
        tags,
        querystring: z.strictObject({
          size1: position,
          size2: position.optional().describe('default: the latest checkpoint'),
        }),
        response: { 200: ConsistencyProofBody, ...errors },
      },
    },
    async (request) => {
      const { size1, size2 } = request.query;
      const to = size2 ?? latestSize();
      if (size1 > to)
        throw new TsunagiError('INPUT_INVALID', `size1 (${size1}) must not exceed size2 (${to})`, {
          path: 'querystring.size1',
        });
      return consistencyProofToJson(trailLog.prover().consistency(size1, to));
    },
  );

  app.get(
    '/v1/trail/entries/:index',
    {
      schema: {
        summary: 'The public entry at a log index: the exact bytes its leaf hashes (canonical JSON)',
        tags,
        params: z.strictObject({ index: position }),
        response: { 200: bytes('the entry bytes'), ...errors },
      },
    },
    async (request, reply) => {
      const entry = trailLog.entry(request.params.index);
      if (!entry)
        throw new TsunagiError('NOT_FOUND', `entry ${request.params.index} is not in the log yet`, {
          path: 'params.index',
        });
      return binary(reply, entry);
    },
  );

  app.get(
    '/v1/trail/tile/*',
    {
      schema: {
        summary:
          'C2SP tlog-tiles: tile/<L>/<N>[.p/<W>] (hashes) and tile/entries/<N>[.p/<W>] (entry bundles)',
        tags,
        params: z.object({ '*': z.string().max(128) }),
        response: { 200: bytes('the tile'), ...errors },
      },
    },
    async (request, reply) => {
      const tile = parseTilePath(`tile/${request.params['*']}`);
      if (!tile) throw new TsunagiError('NOT_FOUND', 'not a C2SP tile path', { path: 'url' });
      const content =
        tile.kind === 'hashes'
          ? trailLog.tile(tile.tile, tile.width)
          : trailLog.entryBundle(tile.index, tile.width);
      return binary(reply, content);
    },
  );

  function latestSize(): number {
    const checkpoint = trailLog.checkpoint();
    if (!checkpoint)
      throw new TsunagiError('NOT_FOUND', 'the log has not published a checkpoint yet', {
        path: 'querystring.size',
      });
    return checkpoint.size;
  }
};

function binary(reply: FastifyReply, content: Uint8Array) {
  return reply
    .header('cache-control', IMMUTABLE)
    .type('application/octet-stream')
    .send(Buffer.from(content.buffer, content.byteOffset, content.length));
}
