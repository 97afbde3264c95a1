import type { FastifySchema, FastifySchemaCompiler, FastifySerializerCompiler } from 'fastify';
import { z } from 'zod';
import { TsunagiError } from '../core/errors.js';

/**
 * zod at the HTTP boundary: each route declares zod schemas for its request parts and responses;
 * fastify gets their JSON Schema (for @fastify/swagger's OpenAPI document) and our compilers validate
 * requests and responses with the zod schemas themselves, so docs and checks cannot disagree.
 */
const zodOf = new WeakMap<object, z.ZodType>();

function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): Record<string, unknown> {
  const json = z.toJSONSchema(schema, { io, target: 'draft-07', unrepresentable: 'any' }) as Record<
    string,
    unknown
  >;
  delete json.$schema;
  zodOf.set(json, schema);
  return json;
}

export interface RouteSchemas {
  summary: string;
  tags: string[];
  body?: z.ZodType;
  params?: z.ZodType;
  querystring?: z.ZodType;
  /** A loose object (`z.looseObject`): the validated value replaces the request's headers. */
  headers?: z.ZodType;
  response: Record<number, z.ZodType>;
}

export function routeSchema(route: RouteSchemas): FastifySchema {
  const schema = {
    summary: route.summary,
    tags: route.tags,
    ...(route.body ? { body: jsonSchema(route.body, 'input') } : {}),
    ...(route.params ? { params: jsonSchema(route.params, 'input') } : {}),
    ...(route.querystring ? { querystring: jsonSchema(route.querystring, 'input') } : {}),
    ...(route.headers ? { headers: jsonSchema(route.headers, 'input') } : {}),
    response: Object.fromEntries(
      Object.entries(route.response).map(([status, zod]) => [status, jsonSchema(zod, 'output')]),
    ),
  };
  // summary and tags are @fastify/swagger's additions to the route schema.
  return schema as FastifySchema;
}

const issuePath = (issue: z.core.$ZodIssue | undefined, part: string): string =>
  [part, ...(issue?.path ?? []).map(String)].join('.');

/** Request parts: the first issue becomes INPUT_INVALID naming the field (never quoting the value). */
export const zodValidatorCompiler: FastifySchemaCompiler<unknown> = ({ schema, httpPart }) => {
  const zod = zodOf.get(schema as object);
  if (!zod) throw new TsunagiError('INTERNAL', 'route schema was not declared with routeSchema()');
  const part = httpPart ?? 'body';
  return (data: unknown) => {
    const parsed = zod.safeParse(data);
    if (parsed.success) return { value: parsed.data };
    const issue = parsed.error.issues[0];
    const path = issuePath(issue, part);
    return { error: new TsunagiError('INPUT_INVALID', `${path}: ${issue?.message ?? 'invalid'}`, { path }) };
  };
};

/** Responses are checked against their zod schema too: a mismatch is our bug, answered as a hidden 500. */
export const zodSerializerCompiler: FastifySerializerCompiler<unknown> = ({ schema }) => {
  const zod = zodOf.get(schema as object);
  return (data: unknown) => {
    if (!zod) return JSON.stringify(data);
    const parsed = zod.safeParse(data);
    if (!parsed.success) {
      const path = parsed.error.issues[0]?.path.join('.') ?? '';
      throw new TsunagiError('INTERNAL', `response does not match its schema at ${path}`);
    }
    return JSON.stringify(parsed.data);
  };
};
