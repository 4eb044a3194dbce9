import openapiTS, { astToString } from 'openapi-typescript';

// The storefront client's types are generated from the API's own /openapi.json, so a storefront (and our
// tests, which use the same client) is checked by the compiler against the contract the server publishes.
// test/storefront-client.test.ts fails when the committed file no longer matches the live document.

export const clientTypesHeader =
  '// Generated from /openapi.json by `node dist/scripts/generate-client.js`; do not edit by hand.\n' +
  '/* eslint-disable */\n';

export async function generateClientTypes(document: unknown): Promise<string> {
  // The server address differs per run and is not part of the types.
  const { servers: _servers, ...contract } = document as Record<string, unknown>;
  const ast = await openapiTS(contract as unknown as Parameters<typeof openapiTS>[0], {
    alphabetize: true,
    exportType: true,
  });
  return clientTypesHeader + astToString(ast);
}
