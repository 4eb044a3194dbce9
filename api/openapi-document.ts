import { OpenApiGeneratorV31, type OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';

type Document = ReturnType<OpenApiGeneratorV31['generateDocument']>;
type Operation = { requestBody?: Record<string, unknown>; responses?: Record<string, unknown> };

const methods = ['get', 'put', 'post', 'patch', 'delete'] as const;
// Mounted before the token check, so no token (good or bad) can make them answer 401.
const publicPaths = ['/healthz', '/readyz', '/openapi.json'];
const problem = {
  description: 'Problem',
  content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
};

/**
 * The problems any operation can answer because of middleware in front of every router, not because of
 * its own code: the JSON parser (400 malformed, 413 too large, 415 wrong type) on anything with a body,
 * and the bearer-token check (401) on everything but the webhooks, which are mounted before it. Declaring
 * them here keeps each route's registration about its own answers and the document honest for clients.
 */
function middlewareProblems(path: string, operation: Operation): number[] {
  const codes: number[] = [];
  if (operation.requestBody) codes.push(400, 413, 415);
  if (!path.startsWith('/webhooks/') && !publicPaths.includes(path)) codes.push(401);
  return codes;
}

export function openApiDocument(registry: OpenAPIRegistry, serverUrl: string): Document {
  // The document describes itself too, so every route the app serves is in it.
  registry.registerPath({
    method: 'get',
    path: '/openapi.json',
    summary: 'This OpenAPI 3.1 document; no token needed',
    responses: {
      200: {
        description: 'The document',
        content: {
          'application/json': {
            schema: {
              type: 'object',
              required: ['openapi', 'info', 'paths'],
              properties: {
                openapi: { type: 'string' },
                info: { type: 'object' },
                paths: { type: 'object' },
              },
            },
          },
        },
      },
    },
  });
  const document = new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: '3.1.0',
    info: { title: 'Marketplace API', version: '0.1.0' },
    servers: [{ url: serverUrl }],
  });
  for (const [path, item] of Object.entries(document.paths ?? {})) {
    for (const method of methods) {
      const operation = (item as Record<string, Operation | undefined>)[method];
      if (!operation) continue;
      // Every body an operation declares is parsed by validBody, which refuses a missing one.
      if (operation.requestBody) operation.requestBody = { ...operation.requestBody, required: true };
      const added: Record<string, unknown> = {};
      for (const code of middlewareProblems(path, operation)) added[String(code)] = problem;
      operation.responses = { ...added, ...operation.responses };
    }
  }
  return document;
}
