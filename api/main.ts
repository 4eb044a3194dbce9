import { loadEnv } from '../config/env';
import { connectServices } from '../integrations/services';
import { createApp } from './app';
import { ensureOpsAccount } from './auth/accounts';

async function main() {
  const env = loadEnv();
  const services = await connectServices(env);
  await ensureOpsAccount(services.collections, env);
  const app = createApp(services);
  const server = app.listen(env.PORT, () => {
    console.log(`api listening on http://127.0.0.1:${env.PORT} (OpenAPI at /openapi.json)`);
  });
  const stop = () => {
    server.close(() => void services.close().then(() => process.exit(0)));
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
