// First: tracing must patch http, express, mongodb and ioredis before anything loads them.
import '../observability/tracing-bootstrap';
import { loadEnv } from '../config/env';
import { connectServices } from '../integrations/services';
import { createApp } from './app';
import { createLogger } from '../observability/logger';
import { collectProcessMetrics } from '../observability/metrics-registry';
import { exitWithStartupError } from '../observability/startup-error';
import { ensureOpsAccount } from '../accounts/ops-account';

async function main() {
  const env = loadEnv();
  const logger = createLogger({ level: env.LOG_LEVEL, name: 'api' });
  const services = await connectServices(env, logger);
  await ensureOpsAccount(services.collections, env);
  if (env.METRICS_ENABLED) collectProcessMetrics('api');
  const app = createApp(services, { logger });
  const server = app.listen(env.PORT, () => {
    logger.info(
      { port: env.PORT },
      `api listening on http://127.0.0.1:${env.PORT} (OpenAPI at /openapi.json)`,
    );
  });
  const stop = () => {
    server.close(() => void services.close().then(() => process.exit(0)));
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((error: unknown) => exitWithStartupError('api', error));
