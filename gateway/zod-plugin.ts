import type { FastifyInstance, FastifySchemaCompiler } from 'fastify';
import { jsonSchemaTransform, serializerCompiler } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ErrorCatalogue, type ErrorCode, TsunagiError } from '../core/errors.js';

/**
 * The request side of a route plugin written with fastify-type-provider-zod: its schemas are zod
 * schemas, and the first issue becomes a TsunagiError naming the field (`body.myNumber`), never
 * quoting the value. An issue may name its own catalogue code in its params (`{ code:
 * 'MY_NUMBER_INVALID' }`); otherwise it is INPUT_INVALID. The one error handler answers it.
 */
export const typedZodValidator: FastifySchemaCompiler<z.ZodType> =
  ({ schema, httpPart }) =>
  (data) => {
    const parsed = schema.safeParse(data);
    if (parsed.success) return { value: parsed.data };
    const issue = parsed.error.issues[0];
    const path = [httpPart ?? 'body', ...(issue?.path ?? []).map(String)].join('.');
    const named =
      issue?.code === 'custom' ? (issue.params as { code?: unknown } | undefined)?.code : undefined;
    const code: ErrorCode =
      typeof named === 'string' && named in ErrorCatalogue ? (named as ErrorCode) : 'INPUT_INVALID';
    return { error: new TsunagiError(code, `${path}: ${issue?.message ?? 'invalid'}`, { path }) };
  };

/** Makes a plugin's routes validate with `typedZodValidator` and serialize with their zod response schemas. */
export function useZodSchemas(app: FastifyInstance): void {
  app.setValidatorCompiler(typedZodValidator);
  app.setSerializerCompiler(serializerCompiler);
}

/**
 * For @fastify/swagger: routes declared with zod schemas (the plugins above) are turned into JSON
 * Schema by fastify-type-provider-zod; routes declared with `routeSchema()` already are JSON Schema.
 */
export const openApiTransform: typeof jsonSchemaTransform = (document) => {
  const schema = document.schema as Record<string, unknown> | undefined;
  const parts = schema ? [schema.body, schema.params, schema.querystring, schema.headers] : [];
  const responses = Object.values((schema?.response as Record<string, unknown> | undefined) ?? {});
  const isZod = [...parts, ...responses].some((part) => part instanceof z.ZodType);
  return isZod ? jsonSchemaTransform(document) : { schema: document.schema, url: document.url };
};
