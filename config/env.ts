import { isIP } from 'node:net';
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

const namedRanges = ['loopback', 'linklocal', 'uniquelocal'];

function isProxyAddress(entry: string): boolean {
  if (namedRanges.includes(entry)) return true;
  const [address = '', bits, ...rest] = entry.split('/');
  const family = isIP(address);
  if (family === 0 || rest.length > 0) return false;
  if (bits === undefined) return true;
  return /^\d{1,3}$/.test(bits) && Number(bits) <= (family === 4 ? 32 : 128);
}

const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  PUBLIC_BASE_URL: optionalText,

  MONGODB_URI: url('mongodb://127.0.0.1:27017/marketplace', ['mongodb:', 'mongodb+srv:']),

  REDIS_URL: url('redis://127.0.0.1:6379', ['redis:', 'rediss:']),
  // Comma-separated host:port list; when set, the app talks Redis Cluster protocol.
  REDIS_CLUSTER_NODES: optionalText,
  // Replicas that must have a stock write before it counts (WAIT); 1 on a Cluster keeps holds through a
  // master's crash, at the price of refusing holds while that master has no replica.
  REDIS_WAIT_REPLICAS: z.coerce.number().int().min(0).max(5).default(0),

  TEMPORAL_ADDRESS: z.string().default('127.0.0.1:7233'),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  TEMPORAL_TASK_QUEUE: z.string().min(1).default('marketplace'),
  TEMPORAL_API_KEY: optionalText,
  TEMPORAL_TLS: flag,
  TEMPORAL_TLS_CERT_PATH: optionalText,
  TEMPORAL_TLS_KEY_PATH: optionalText,
  TEMPORAL_UI_URL: url('http://127.0.0.1:8233', ['http:', 'https:']),

  // One node, or several comma-separated nodes of one cluster: the client spreads requests over them and
  // passes over a node that stopped answering.
  OPENSEARCH_URL: z
    .string()
    .default('http://127.0.0.1:9200')
    .refine(
      (value) =>
        value.split(',').every((node) => url('', ['http:', 'https:']).safeParse(node.trim()).success),
      'must be a URL starting with http:// or https:// (or several, comma-separated)',
    ),
  // Copies of each shard on other nodes: 0 for one node; 1 or more on a cluster, so losing a node loses
  // neither data nor searches.
  OPENSEARCH_INDEX_REPLICAS: z.coerce.number().int().min(0).max(5).default(0),
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

  // Proxies whose X-Forwarded-For is believed (addresses, CIDRs, or Express's loopback / linklocal /
  // uniquelocal), comma-separated. None by default: otherwise any client could name its own address and
  // escape the per-address limits on sign-in and sign-up.
  TRUST_PROXY: z
    .string()
    .default('')
    .transform((text, ctx) => {
      const entries = text
        .split(',')
        .map((entry) => entry.trim())
        .filter((entry) => entry !== '');
      const bad = entries.filter((entry) => !isProxyAddress(entry));
      if (bad.length > 0) {
        ctx.addIssue({ code: 'custom', message: `not an address, CIDR or named range: ${bad.join(', ')}` });
        return z.NEVER;
      }
      return entries;
    }),
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
  // Bounds on orders that hold stock while nobody has paid (no paymentMethodId at checkout).
  UNPAID_ORDER_MAX_UNITS_PER_SKU: z.coerce.number().int().positive().default(10),
  UNPAID_ORDERS_PER_BUYER: z.coerce.number().int().positive().default(3),
  // Wrong passwords per account in 15 minutes, over all addresses, before every address waits; each
  // (account, address) pair is slowed long before that, with growing delays.
  LOGIN_FAILURES_PER_ACCOUNT: z.coerce.number().int().positive().default(100),

  // How long a return waits on the seller's decision and inspection (then ops takes over) and on the buyer's
  // parcel (then it closes).
  RETURN_SELLER_DECISION_SECONDS: z.coerce.number().int().positive().default(259_200), // 3 days
  RETURN_INSPECTION_SECONDS: z.coerce.number().int().positive().default(604_800), // 7 days
  RETURN_SHIP_BACK_SECONDS: z.coerce.number().int().positive().default(1_209_600), // 14 days
  // Who pays Stripe's fee on a lost dispute. The marketplace by default: most disputes are "fraudulent"
  // claims that its own checkout and fraud screen could have stopped, not the seller.
  DISPUTE_FEE_BORNE_BY: z.enum(['seller', 'marketplace']).default('marketplace'),
  // Reminders to a seller who has not sent evidence, as seconds before Stripe's due_by (3 days and 1 day),
  // and how long before due_by the marketplace submits what it has (6 hours).
  DISPUTE_REMINDER_LEAD_SECONDS: z
    .string()
    .default('259200,86400')
    .transform((text, ctx) => {
      const leads = text
        .split(',')
        .map((part) => part.trim())
        .filter(Boolean)
        .map(Number);
      if (leads.some((lead) => !Number.isInteger(lead) || lead <= 0)) {
        ctx.addIssue({ code: 'custom', message: 'must be positive whole seconds, comma separated' });
        return z.NEVER;
      }
      return leads;
    }),
  DISPUTE_SUBMIT_LEAD_SECONDS: z.coerce.number().int().positive().default(21_600),
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
