import { writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { createApp } from '../api/app';
import { generateClientTypes } from '../client/generate-types';
import { loadEnv } from '../config/env';
import { connectServices } from '../integrations/services';

// Regenerates client/marketplace-api.ts from the document the app serves (it needs the local stack, as the
// app does): `npx tsc -p tsconfig.json && node dist/scripts/generate-client.js`.
async function main(): Promise<void> {
  const services = await connectServices(loadEnv());
  const app = createApp(services);
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  try {
    const { port } = server.address() as AddressInfo;
    const document: unknown = await (await fetch(`http://127.0.0.1:${port}/openapi.json`)).json();
    const target = join(__dirname, '..', '..', 'client', 'marketplace-api.ts');
    await writeFile(target, await generateClientTypes(document));
    console.log(`wrote ${target}`);
  } finally {
    server.close();
    await services.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
