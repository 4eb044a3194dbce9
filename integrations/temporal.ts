import { readFile } from 'node:fs/promises';
import { Connection, Client } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import type { Env } from '../config/env';
import { clientTracingInterceptors } from '../observability/temporal-tracing';

// One place decides how we reach Temporal, so the dev server, a self-hosted cluster (mTLS) and Temporal
// Cloud (API key) differ only in environment variables.
async function connectionOptions(env: Env) {
  const tls =
    env.TEMPORAL_TLS_CERT_PATH && env.TEMPORAL_TLS_KEY_PATH
      ? {
          clientCertPair: {
            crt: await readFile(env.TEMPORAL_TLS_CERT_PATH),
            key: await readFile(env.TEMPORAL_TLS_KEY_PATH),
          },
        }
      : env.TEMPORAL_TLS || env.TEMPORAL_API_KEY
        ? true
        : undefined;
  return {
    address: env.TEMPORAL_ADDRESS,
    ...(tls ? { tls } : {}),
    ...(env.TEMPORAL_API_KEY ? { apiKey: env.TEMPORAL_API_KEY } : {}),
  };
}

export async function connectTemporalClient(env: Env): Promise<Client> {
  const connection = await Connection.connect(await connectionOptions(env));
  // With tracing on, a workflow started from a request continues that request's trace.
  return new Client({
    connection,
    namespace: env.TEMPORAL_NAMESPACE,
    interceptors: { workflow: clientTracingInterceptors() },
  });
}

export async function connectTemporalWorker(env: Env): Promise<NativeConnection> {
  return NativeConnection.connect(await connectionOptions(env));
}
