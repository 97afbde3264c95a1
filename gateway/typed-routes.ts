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
export const isZodRouteSchema = (schema: Record<string, unknown> | undefined): boolean =>
  (schema !== undefined &&
    ['querystring', 'params', 'body', 'headers'].some(
      (part) => typeof (schema[part] as { safeParse?: unknown } | undefined)?.safeParse === 'function',
    )) ||
  Object.values((schema?.response ?? {}) as Record<string, unknown>).some(
    (r) =>
      typeof (r as { safeParse?: unknown }).safeParse === 'function' ||
      (typeof r === 'object' && r !== null && 'content' in r),
  );
