import { z } from 'zod';
import { parseDaysByCategory, type ReturnPolicy } from '../domain/return-window';

// Every setting defaults to the embedded local stack, so a fresh clone runs with no configuration; pointing
// at Temporal Cloud, a MongoDB replica set or an OpenSearch cluster is a matter of environment only.
const optionalText = z
  .string()
  .trim()
  .transform((value) => (value === '' ? undefined : value))
  .optional();

const url = (fallback: string, protocols: string[]) =>
  z
    .string()
    .default(fallback)
    .refine(
      (value) => {
        try {
          return protocols.includes(new URL(value).protocol);
        } catch {
          return false;
        }
      },
      `must be a URL starting with ${protocols.join(' or ')}//`,
    );

const flag = z
  .enum(['true', 'false', '1', '0', ''])
  .default('false')
  .transform((value) => value === 'true' || value === '1');

const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  PUBLIC_BASE_URL: optionalText,

  MONGODB_URI: url('mongodb://127.0.0.1:27017/marketplace', ['mongodb:', 'mongodb+srv:']),

  REDIS_URL: url('redis://127.0.0.1:6379', ['redis:', 'rediss:']),
  // Comma-separated host:port list; when set, the app talks Redis Cluster protocol.
  REDIS_CLUSTER_NODES: optionalText,

  TEMPORAL_ADDRESS: z.string().default('127.0.0.1:7233'),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  TEMPORAL_TASK_QUEUE: z.string().min(1).default('marketplace'),
  TEMPORAL_API_KEY: optionalText,
  TEMPORAL_TLS: flag,
  TEMPORAL_TLS_CERT_PATH: optionalText,
  TEMPORAL_TLS_KEY_PATH: optionalText,
  TEMPORAL_UI_URL: url('http://127.0.0.1:8233', ['http:', 'https:']),

  OPENSEARCH_URL: url('http://127.0.0.1:9200', ['http:', 'https:']),
  OPENSEARCH_USERNAME: optionalText,
  OPENSEARCH_PASSWORD: optionalText,
  OPENSEARCH_INDEX_PREFIX: z
    .string()
    .regex(/^[a-z0-9_-]+$/)
    .default('marketplace'),

  STRIPE_SECRET_KEY: z
    .string()
    .startsWith('sk_', 'must be a Stripe secret key (sk_...)')
    .default('sk_test_123'),
  // The local default is stripe-mock; https://api.stripe.com with an sk_test_ key is Stripe's test mode.
  STRIPE_API_BASE: url('http://127.0.0.1:12111', ['http:', 'https:']),
  STRIPE_WEBHOOK_SECRET: z.string().default('whsec_local_marketplace'),

  SENDGRID_API_KEY: optionalText,
  SENDGRID_API_BASE: optionalText,
  SENDGRID_FROM: z.string().email().default('orders@marketplace.local'),
  TWILIO_ACCOUNT_SID: optionalText,
  TWILIO_AUTH_TOKEN: optionalText,
  TWILIO_API_BASE: optionalText,
  TWILIO_FROM: z.string().default('+15005550006'),

  CARRIER: z.enum(['sandbox', 'shippo']).default('sandbox'),
  CARRIER_API_BASE: optionalText,
  CARRIER_API_KEY: optionalText,
  CARRIER_WEBHOOK_SECRET: z.string().default('carrier_local_secret'),

  AUTH_TOKEN_SECRET: z
    .string()
    .min(16, 'must be at least 16 characters')
    .default('local-dev-token-secret-change-me'),
  // Set when rotating: tokens signed with the previous secret stay valid until they expire (12 h).
  AUTH_TOKEN_PREVIOUS_SECRET: optionalText.refine(
    (value) => value === undefined || value.length >= 16,
    'must be at least 16 characters',
  ),
  AUTH_TOKEN_ISSUER: z.string().min(1).default('marketplace'),
  AUTH_TOKEN_AUDIENCE: z.string().min(1).default('marketplace-api'),
  AUTH_TOKEN_CLOCK_TOLERANCE_SECONDS: z.coerce.number().int().min(0).max(300).default(30),
  // Browser origins (scheme://host[:port]) allowed to call the API cross-origin, comma-separated; none by
  // default, so a storefront on another origin must be named here.
  CORS_ORIGINS: z
    .string()
    .default('')
    .transform((text, ctx) => {
      const origins = text
        .split(',')
        .map((origin) => origin.trim())
        .filter((origin) => origin !== '');
      for (const origin of origins) {
        let parsed: URL | undefined;
        try {
          parsed = new URL(origin);
        } catch {
          parsed = undefined;
        }
        if (!parsed || parsed.origin !== origin) {
          ctx.addIssue({ code: 'custom', message: `${origin} is not an origin like https://shop.example` });
          return z.NEVER;
        }
      }
      return origins;
    }),
  OPS_EMAIL: z.string().email().default('ops@marketplace.local'),
  OPS_PASSWORD: z.string().min(8).default('ops-password'),

  // Observability (README "Observability"): JSON logs at this level, Prometheus ports of the worker and the
  // search-indexer (0 = off), and OTLP traces when an endpoint is set.
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  METRICS_ENABLED: z
    .enum(['true', 'false', '1', '0', ''])
    .default('true')
    .transform((value) => value !== 'false' && value !== '0'),
  WORKER_METRICS_PORT: z.coerce.number().int().min(0).max(65535).default(9464),
  TEMPORAL_SDK_METRICS_PORT: z.coerce.number().int().min(0).max(65535).default(9465),
  INDEXER_METRICS_PORT: z.coerce.number().int().min(0).max(65535).default(9466),
  OTEL_EXPORTER_OTLP_ENDPOINT: optionalText,
  OTEL_SERVICE_NAME: optionalText,

  RESERVATION_HOLD_SECONDS: z.coerce.number().int().positive().default(900),

  // How long a return waits on the seller's decision and inspection (then ops takes over) and on the buyer's
  // parcel (then it closes).
  RETURN_SELLER_DECISION_SECONDS: z.coerce.number().int().positive().default(259_200), // 3 days
  RETURN_INSPECTION_SECONDS: z.coerce.number().int().positive().default(604_800), // 7 days
  RETURN_SHIP_BACK_SECONDS: z.coerce.number().int().positive().default(1_209_600), // 14 days
  RETURN_WINDOW_DAYS: z.coerce.number().int().min(0).max(365).default(30),
  // Per-category overrides, e.g. "electronics=14,food=0".
  RETURN_WINDOW_DAYS_BY_CATEGORY: z
    .string()
    .default('')
    .transform((text, ctx) => {
      const parsed = parseDaysByCategory(text);
      if (typeof parsed === 'string') {
        ctx.addIssue({ code: 'custom', message: parsed });
        return z.NEVER;
      }
      return parsed;
    }),
});

export type Env = z.infer<typeof envSchema>;

// The local stack's secrets are in this public repository: a production process refuses to start with any.
const localSecrets = {
  AUTH_TOKEN_SECRET: 'local-dev-token-secret-change-me',
  OPS_PASSWORD: 'ops-password',
  STRIPE_WEBHOOK_SECRET: 'whsec_local_marketplace',
  CARRIER_WEBHOOK_SECRET: 'carrier_local_secret',
} as const satisfies Partial<Record<keyof Env, string>>;

export class ConfigError extends Error {
  override name = 'ConfigError';
}

export function loadEnv(source: NodeJS.ProcessEnv = process.env): Env {
  const parsed = envSchema.safeParse(source);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const env = parsed.data;
  if (env.NODE_ENV === 'production') {
    const defaulted = (Object.keys(localSecrets) as (keyof typeof localSecrets)[]).filter(
      (key) => env[key] === localSecrets[key],
    );
    if (defaulted.length > 0) {
      const lines = defaulted.map(
        (key) => `  ${key}: must be set in production (the local default is public)`,
      );
      throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
    }
  }
  if (Boolean(env.TEMPORAL_TLS_CERT_PATH) !== Boolean(env.TEMPORAL_TLS_KEY_PATH)) {
    throw new ConfigError(
      'Invalid configuration:\n  TEMPORAL_TLS_CERT_PATH and TEMPORAL_TLS_KEY_PATH must be set together',
    );
  }
  return env;
}

export function returnPolicyOf(env: Env): ReturnPolicy {
  return { defaultDays: env.RETURN_WINDOW_DAYS, daysByCategory: env.RETURN_WINDOW_DAYS_BY_CATEGORY };
}
