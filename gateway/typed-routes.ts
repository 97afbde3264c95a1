import type { FastifyInstance, FastifySchemaCompiler } from 'fastify';
import { serializerCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import type { z } from 'zod';
import { TsunagiError } from '../core/errors.js';

/**
 * Route plugins written with fastify-type-provider-zod: request parts and responses are zod schemas,
 * typed in the handler. Invalid request parts become INPUT_INVALID naming the field (never quoting
 * the value), which the one error handler answers as `{ code, message, path }`; responses are
 * checked against their schema (a mismatch is our bug: a hidden 500). Call inside the plugin: the
 * compilers apply to that plugin's routes only.
 */
const validatorCompiler: FastifySchemaCompiler<z.ZodType> =
  ({ schema, httpPart }) =>
  (data) => {
    const parsed = schema.safeParse(data);
    if (parsed.success) return { value: parsed.data };
    const issue = parsed.error.issues[0];
    const path = [httpPart ?? 'body', ...(issue?.path ?? []).map(String)].join('.');
    return { error: new TsunagiError('INPUT_INVALID', `${path}: ${issue?.message ?? 'invalid'}`, { path }) };
  };

export function typedRoutes(app: FastifyInstance) {
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  return app.withTypeProvider<ZodTypeProvider>();
}

/** Whether a route's schema is made of zod schemas (for the OpenAPI transform in server.ts). */
export function isZodRouteSchema(schema: unknown): boolean {
  if (typeof schema !== 'object' || schema === null) return false;
  const parts = schema as Record<string, unknown>;
  const isZod = (value: unknown) =>
    typeof (value as { safeParse?: unknown } | undefined)?.safeParse === 'function';
  const responses = Object.values((parts.response ?? {}) as Record<string, unknown>);
  return (
    ['querystring', 'params', 'body', 'headers'].some((part) => isZod(parts[part])) ||
    responses.some((r) => isZod(r) || (typeof r === 'object' && r !== null && 'content' in r))
  );
}
