import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import fp from 'fastify-plugin';
import { jsonSchemaTransform, jsonSchemaTransformObject } from 'fastify-type-provider-zod';

/** OpenAPI 3.1's mutual TLS scheme; openapi-types (12.x) predates the type, hence `never`. */
const AGENCY_CERTIFICATE = {
  type: 'mutualTLS',
  description: 'A client certificate (clientAuth) issued to the agency by the agency CA',
} as never;

/**
 * The OpenAPI document at /docs/json (and Swagger UI at /docs), made from the routes' zod schemas by
 * fastify-type-provider-zod, so the document and the checks cannot disagree. Agencies authenticate
 * with their client certificate (mutual TLS) unless a route says otherwise: the probes and sign-in
 * are open, the resident's own routes take the resident session token. Named schemas (ErrorBody,
 * RecordedRefusal) are components every error answer refers to.
 */
export const apiDocs = fp(
  async (app) => {
    await app.register(swagger, {
      openapi: {
        openapi: '3.1.0',
        info: {
          title: 'Tsunagi gateway',
          version: '1',
          description: 'Agency inquiries, self-information, consents and resident sign-in (docs/gateway.md)',
        },
        components: {
          securitySchemes: {
            agencyCertificate: AGENCY_CERTIFICATE,
            residentSession: {
              type: 'http',
              scheme: 'bearer',
              description: 'From POST /v1/resident/sign-in',
            },
          },
        },
        security: [{ agencyCertificate: [] }],
      },
      transform: jsonSchemaTransform,
      transformObject: jsonSchemaTransformObject,
    });
    // Swagger UI sets its own Content-Security-Policy (with its scripts' hashes); the headers hook keeps it.
    await app.register(swaggerUi, { routePrefix: '/docs', staticCSP: true });
  },
  { name: 'api-docs' },
);
