import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';

// Static checks of the Docker deployment (no Docker engine needed): docker-compose.yml must run every
// process of the app against every service it needs, wired by compose hostname, started in a safe order.
// Compiled to dist/test/, so the repository root is two levels up.
const root = path.resolve(__dirname, '..', '..');

type Mapping = Record<string, unknown>;

const EXPECTED_SEARCH_ATTRIBUTES: ReadonlyArray<readonly [string, string]> = [
  ['OrderId', 'Keyword'],
  ['CustomerId', 'Keyword'],
  ['SellerId', 'Keyword'],
  ['SellerIds', 'KeywordList'],
  ['MarketplaceStatus', 'Keyword'],
  ['OrderTotal', 'Int'],
  ['ReturnId', 'Keyword'],
  ['PayoutPeriod', 'Keyword'],
  ['DisputeId', 'Keyword'],
];

/** The app's own processes: compose service name and the compiled script it runs. */
const APP_SERVICES = [
  { name: 'api', script: 'dist/api/main.js' },
  { name: 'worker', script: 'dist/workers/main.js' },
  { name: 'search-indexer', script: 'dist/search-indexer/main.js' },
] as const;

/** Settings the app must not get in compose: Temporal Cloud credentials and real notification providers. */
const UNSET_IN_COMPOSE = [
  'TEMPORAL_API_KEY',
  'TEMPORAL_TLS',
  'SENDGRID_API_KEY',
  'TWILIO_ACCOUNT_SID',
  'TWILIO_AUTH_TOKEN',
];

const LONG_RUNNING_RESTART = new Set(['always', 'unless-stopped', 'on-failure']);

function readRepoFile(relative: string): string {
  return readFileSync(path.join(root, relative), 'utf8');
}

function loadCompose(): Mapping {
  const doc: unknown = parse(readRepoFile('docker-compose.yml'));
  assert.ok(isMapping(doc), 'docker-compose.yml must be a YAML mapping');
  return doc;
}

function isMapping(value: unknown): value is Mapping {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function asString(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}

/** `${VAR:-default}` and `${VAR-default}` resolve to their default, as compose does when VAR is unset. */
function withDefaults(value: string): string {
  return value.replace(/\$\{[A-Za-z_][A-Za-z0-9_]*:?-([^}]*)\}/g, '$1');
}

function servicesOf(doc: Mapping): Mapping {
  return isMapping(doc.services) ? doc.services : {};
}

function serviceOf(doc: Mapping, name: string): Mapping | undefined {
  const service = servicesOf(doc)[name];
  return isMapping(service) ? service : undefined;
}

function imageOf(service: Mapping): string {
  return asString(service.image) ?? '';
}

/** Service names whose image repository is `repository` (tag ignored). */
function servicesWithImage(doc: Mapping, repository: string): string[] {
  return Object.entries(servicesOf(doc))
    .filter(([, service]) => isMapping(service) && imageRepository(imageOf(service)) === repository)
    .map(([name]) => name);
}

function imageRepository(image: string): string {
  const lastSlash = image.lastIndexOf('/');
  const colon = image.indexOf(':', lastSlash + 1);
  return colon === -1 ? image : image.slice(0, colon);
}

function imageTag(image: string): string {
  const lastSlash = image.lastIndexOf('/');
  const colon = image.indexOf(':', lastSlash + 1);
  return colon === -1 ? '' : image.slice(colon + 1);
}

function environmentOf(service: Mapping): Map<string, string> {
  const env = new Map<string, string>();
  const raw = service.environment;
  if (Array.isArray(raw)) {
    for (const entry of raw) {
      const text = asString(entry);
      if (text === undefined) continue;
      const eq = text.indexOf('=');
      if (eq === -1) env.set(text, '');
      else env.set(text.slice(0, eq), text.slice(eq + 1));
    }
  } else if (isMapping(raw)) {
    for (const [key, value] of Object.entries(raw)) env.set(key, asString(value) ?? '');
  }
  return env;
}

function argv(value: unknown): string[] {
  if (typeof value === 'string') return value.split(/\s+/).filter(Boolean);
  if (Array.isArray(value)) return value.map((part) => asString(part) ?? '');
  return [];
}

function commandLine(service: Mapping): string {
  return [...argv(service.entrypoint), ...argv(service.command)].join(' ');
}

/** depends_on as service name -> condition (the short list form means service_started). */
function dependenciesOf(service: Mapping): Map<string, string> {
  const deps = new Map<string, string>();
  const raw = service.depends_on;
  if (Array.isArray(raw)) {
    for (const name of raw) {
      const text = asString(name);
      if (text !== undefined) deps.set(text, 'service_started');
    }
  } else if (isMapping(raw)) {
    for (const [name, spec] of Object.entries(raw)) {
      deps.set(name, (isMapping(spec) ? asString(spec.condition) : undefined) ?? 'service_started');
    }
  }
  return deps;
}

function hasHealthcheck(service: Mapping): boolean {
  const check = service.healthcheck;
  if (!isMapping(check) || check.disable === true) return false;
  const testCommand = argv(check.test);
  return testCommand.length > 0 && testCommand[0] !== 'NONE';
}

function publishedPorts(service: Mapping): number[] {
  const ports: number[] = [];
  const raw = service.ports;
  if (!Array.isArray(raw)) return ports;
  for (const entry of raw) {
    if (isMapping(entry)) {
      const published = Number(asString(entry.published));
      if (Number.isInteger(published)) ports.push(published);
      continue;
    }
    const text = asString(entry);
    if (text === undefined) continue;
    // [ip:]published:target[/proto]; a bare container port publishes nothing predictable.
    const parts = text.replace(/\/(tcp|udp)$/, '').split(':');
    if (parts.length < 2) continue;
    const published = Number(parts[parts.length - 2]);
    if (Number.isInteger(published)) ports.push(published);
  }
  return ports;
}

/** Named volumes a service mounts, as target path -> volume name. */
function namedVolumeMounts(doc: Mapping, service: Mapping): Map<string, string> {
  const declared = isMapping(doc.volumes) ? doc.volumes : {};
  const mounts = new Map<string, string>();
  const raw = service.volumes;
  if (!Array.isArray(raw)) return mounts;
  for (const entry of raw) {
    let source: string | undefined;
    let target: string | undefined;
    if (isMapping(entry)) {
      source = asString(entry.source);
      target = asString(entry.target);
    } else {
      const parts = (asString(entry) ?? '').split(':');
      if (parts.length >= 2) [source, target] = parts;
    }
    if (source !== undefined && target !== undefined && source in declared) mounts.set(target, source);
  }
  return mounts;
}

/** Bind-mount sources (./...) of every service, relative to the repository root. */
function bindMountSources(doc: Mapping): string[] {
  const sources: string[] = [];
  for (const service of Object.values(servicesOf(doc))) {
    if (!isMapping(service) || !Array.isArray(service.volumes)) continue;
    for (const entry of service.volumes) {
      const source = isMapping(entry) ? asString(entry.source) : (asString(entry) ?? '').split(':')[0];
      if (source !== undefined && source.startsWith('.')) sources.push(source);
    }
  }
  return sources;
}

function parseUrl(value: string): URL | undefined {
  try {
    return new URL(withDefaults(value));
  } catch {
    return undefined;
  }
}

/** Every way docker-compose.yml falls short of what the app needs; empty when it is complete. */
function composeProblems(doc: Mapping): string[] {
  const problems: string[] = [];
  const services = servicesOf(doc);
  const problem = (message: string) => problems.push(message);

  // Images: every one pinned to a tag other than latest.
  for (const [name, service] of Object.entries(services)) {
    if (!isMapping(service)) {
      problem(`service ${name} is not a mapping`);
      continue;
    }
    if (service.image === undefined) {
      if (service.build === undefined) problem(`service ${name} has neither image nor build`);
      continue;
    }
    const tag = imageTag(imageOf(service));
    if (tag === '' || tag === 'latest')
      problem(`service ${name} image ${imageOf(service)} is not pinned to a tag`);
  }

  // The data services the app needs, identified by image so their names are free to change.
  const single = (repository: string, role: string): string | undefined => {
    const found = servicesWithImage(doc, repository);
    if (found.length !== 1)
      problem(`expected exactly one ${role} service (${repository}), found ${found.length}`);
    return found[0];
  };
  const mongo = single('mongo', 'MongoDB');
  const redis = single('redis', 'Redis');
  const opensearch = single('opensearchproject/opensearch', 'OpenSearch');
  const stripeMock = single('stripe/stripe-mock', 'stripe-mock');
  const postgres = single('postgres', 'PostgreSQL (Temporal persistence)');
  const temporalUi = single('temporalio/ui', 'Temporal UI');
  const temporalServers = [
    ...servicesWithImage(doc, 'temporalio/server'),
    ...servicesWithImage(doc, 'temporalio/auto-setup'),
  ];
  if (temporalServers.length !== 1)
    problem(`expected exactly one Temporal server, found ${temporalServers.length}`);
  const temporal = temporalServers[0];

  for (const name of [mongo, redis, opensearch, stripeMock, postgres, temporal]) {
    const service = name === undefined ? undefined : serviceOf(doc, name);
    if (service === undefined) continue;
    if (!hasHealthcheck(service)) problem(`data service ${name} has no healthcheck`);
    if (!LONG_RUNNING_RESTART.has(asString(service.restart) ?? ''))
      problem(`service ${name} has no restart policy`);
  }

  // Durable data lives in declared named volumes.
  const dataDirs: Array<[string | undefined, string]> = [
    [mongo, '/data/db'],
    [redis, '/data'],
    [opensearch, '/usr/share/opensearch/data'],
    [postgres, '/var/lib/postgresql/data'],
  ];
  for (const [name, target] of dataDirs) {
    const service = name === undefined ? undefined : serviceOf(doc, name);
    if (service !== undefined && !namedVolumeMounts(doc, service).has(target)) {
      problem(`service ${name} keeps ${target} outside a named volume`);
    }
  }

  // MongoDB runs as a replica set that initiates itself.
  const mongoService = mongo === undefined ? undefined : serviceOf(doc, mongo);
  const replSetArgs = mongoService === undefined ? [] : argv(mongoService.command);
  const replSetIndex = replSetArgs.indexOf('--replSet');
  const replSet = replSetIndex === -1 ? undefined : replSetArgs[replSetIndex + 1];
  if (mongoService !== undefined) {
    if (replSet === undefined) problem(`service ${mongo} does not run mongod with --replSet`);
    const check = isMapping(mongoService.healthcheck) ? argv(mongoService.healthcheck.test).join(' ') : '';
    const script = /\/deploy\/([\w.-]+)/.exec(check)?.[1];
    const initiates =
      check.includes('rs.initiate') ||
      (script !== undefined &&
        existsSync(path.join(root, 'deploy', script)) &&
        readRepoFile(path.join('deploy', script)).includes('rs.initiate'));
    if (!initiates) problem(`service ${mongo} healthcheck does not initiate the replica set`);
  }

  // OpenSearch: one node, no security plugin, bounded heap, 2.19.x like the local runner.
  const opensearchService = opensearch === undefined ? undefined : serviceOf(doc, opensearch);
  if (opensearchService !== undefined) {
    const env = environmentOf(opensearchService);
    if (env.get('discovery.type') !== 'single-node') problem('OpenSearch is not discovery.type=single-node');
    if (env.get('DISABLE_SECURITY_PLUGIN') !== 'true') problem('OpenSearch security plugin is not disabled');
    const javaOpts = withDefaults(env.get('OPENSEARCH_JAVA_OPTS') ?? '');
    if (!/-Xms\S+/.test(javaOpts) || !/-Xmx\S+/.test(javaOpts))
      problem('OpenSearch heap (-Xms/-Xmx) is not set');
    if (!imageTag(imageOf(opensearchService)).startsWith('2.19.')) problem('OpenSearch image is not 2.19.x');
  }

  // Temporal server on PostgreSQL, its UI pointed at it, both published.
  const temporalService = temporal === undefined ? undefined : serviceOf(doc, temporal);
  if (temporalService !== undefined) {
    const env = environmentOf(temporalService);
    if (!/^postgres/.test(env.get('DB') ?? ''))
      problem(`Temporal server ${temporal} does not use PostgreSQL (DB)`);
    const seeds = env.get('POSTGRES_SEEDS') ?? '';
    if (postgres === undefined || seeds !== postgres) {
      problem(`Temporal server POSTGRES_SEEDS (${seeds}) is not the PostgreSQL service`);
    }
    const deps = dependenciesOf(temporalService);
    if (postgres !== undefined && deps.get(postgres) !== 'service_healthy') {
      problem(`Temporal server does not wait for ${postgres} to be healthy`);
    }
    if (!publishedPorts(temporalService).includes(7233)) problem('Temporal gRPC port 7233 is not published');
  }
  const uiService = temporalUi === undefined ? undefined : serviceOf(doc, temporalUi);
  if (uiService !== undefined) {
    if (!publishedPorts(uiService).some((port) => port === 8080 || port === 8233)) {
      problem('Temporal UI is not published on 8080 or 8233');
    }
    if (environmentOf(uiService).get('TEMPORAL_ADDRESS') !== `${temporal ?? ''}:7233`) {
      problem('Temporal UI TEMPORAL_ADDRESS does not point at the Temporal server');
    }
  }

  // The one-shot service that registers the namespace's search attributes.
  const registrars = Object.entries(services)
    .filter(([, service]) => isMapping(service) && commandLine(service).includes('temporal-register.sh'))
    .map(([name]) => name);
  if (registrars.length !== 1)
    problem(`expected one service running temporal-register.sh, found ${registrars.length}`);
  const registrar = registrars[0];
  const registrarService = registrar === undefined ? undefined : serviceOf(doc, registrar);
  if (registrarService !== undefined) {
    if (asString(registrarService.restart) !== 'no')
      problem(`one-shot service ${registrar} must use restart: "no"`);
    if (temporal !== undefined && dependenciesOf(registrarService).get(temporal) !== 'service_healthy') {
      problem(`${registrar} does not wait for the Temporal server to be healthy`);
    }
  }

  // The app's processes: built from the Dockerfile, configured by compose hostname, started last.
  const hostFor = (repository: string): string | undefined => servicesWithImage(doc, repository)[0];
  for (const app of APP_SERVICES) {
    const service = serviceOf(doc, app.name);
    if (service === undefined) {
      problem(`app service ${app.name} is missing`);
      continue;
    }
    const build = service.build;
    const context = isMapping(build) ? asString(build.context) : asString(build);
    const dockerfile = isMapping(build) ? (asString(build.dockerfile) ?? 'Dockerfile') : 'Dockerfile';
    if (context === undefined || path.resolve(root, context) !== root || dockerfile !== 'Dockerfile') {
      problem(`app service ${app.name} is not built from ./Dockerfile`);
    }
    if (!commandLine(service).includes(`node ${app.script}`))
      problem(`app service ${app.name} does not run ${app.script}`);
    if (!LONG_RUNNING_RESTART.has(asString(service.restart) ?? ''))
      problem(`app service ${app.name} has no restart policy`);

    const env = environmentOf(service);
    const expectValue = (key: string, expected: string) => {
      if (env.get(key) !== expected)
        problem(`${app.name}: ${key} should be ${expected}, is ${env.get(key) ?? 'unset'}`);
    };
    const expectUrl = (key: string, repository: string, port: string, protocols: string[]) => {
      const url = parseUrl(env.get(key) ?? '');
      const host = hostFor(repository);
      if (url === undefined || host === undefined || url.hostname !== host || url.port !== port) {
        problem(`${app.name}: ${key} does not point at the ${repository} service on port ${port}`);
      } else if (!protocols.includes(url.protocol)) {
        problem(`${app.name}: ${key} uses ${url.protocol}`);
      }
      return url;
    };

    const mongoUrl = expectUrl('MONGODB_URI', 'mongo', '27017', ['mongodb:']);
    const replicaSet = mongoUrl?.searchParams.get('replicaSet');
    if (!replicaSet) problem(`${app.name}: MONGODB_URI has no replicaSet= parameter`);
    else if (replSet !== undefined && replicaSet !== replSet) {
      problem(`${app.name}: MONGODB_URI replicaSet=${replicaSet} but mongod runs --replSet ${replSet}`);
    }
    if (mongoUrl !== undefined && mongoUrl.pathname.replace(/^\//, '') === '') {
      problem(`${app.name}: MONGODB_URI names no database`);
    }
    expectUrl('REDIS_URL', 'redis', '6379', ['redis:']);
    expectUrl('OPENSEARCH_URL', 'opensearchproject/opensearch', '9200', ['http:']);
    expectUrl('STRIPE_API_BASE', 'stripe/stripe-mock', '12111', ['http:']);
    expectValue('TEMPORAL_ADDRESS', `${temporal ?? 'temporal'}:7233`);
    expectValue('TEMPORAL_NAMESPACE', 'default');
    expectValue('TEMPORAL_TASK_QUEUE', 'marketplace');
    expectValue('STRIPE_SECRET_KEY', 'sk_test_123');
    expectValue('CARRIER', 'sandbox');
    expectValue('PORT', '3000');
    for (const key of ['STRIPE_WEBHOOK_SECRET', 'AUTH_TOKEN_SECRET', 'OPS_EMAIL', 'OPS_PASSWORD']) {
      if (!env.get(key)) problem(`${app.name}: ${key} is not set`);
    }
    for (const key of UNSET_IN_COMPOSE) {
      if (env.get(key)) problem(`${app.name}: ${key} must stay unset in compose`);
    }

    const deps = dependenciesOf(service);
    for (const dependency of [mongo, redis, opensearch, temporal, stripeMock]) {
      if (dependency !== undefined && deps.get(dependency) !== 'service_healthy') {
        problem(`${app.name} does not wait for ${dependency} to be healthy`);
      }
    }
    if (registrar !== undefined && deps.get(registrar) !== 'service_completed_successfully') {
      problem(`${app.name} does not wait for ${registrar} to register the search attributes`);
    }
  }

  const api = serviceOf(doc, 'api');
  if (api !== undefined) {
    if (!publishedPorts(api).includes(3000)) problem('api port 3000 is not published');
    if (!hasHealthcheck(api)) problem('api has no healthcheck');
  }
  const seed = serviceOf(doc, 'seed');
  if (seed !== undefined && asString(seed.restart) !== 'no') problem('seed must use restart: "no"');

  for (const source of bindMountSources(doc)) {
    if (!existsSync(path.resolve(root, source))) problem(`bind mount source ${source} does not exist`);
  }
  return problems;
}

/** What the Dockerfile gets wrong: install/build steps, and the runtime (last) stage's base, user and CMD. */
function dockerfileProblems(text: string): string[] {
  const problems: string[] = [];
  const lines = text
    .replace(/\\\r?\n/g, ' ')
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
  const args = new Map<string, string>();
  for (const line of lines) {
    const arg = /^ARG\s+(\w+)=(\S+)/i.exec(line);
    if (arg?.[1] !== undefined && arg[2] !== undefined && !args.has(arg[1])) args.set(arg[1], arg[2]);
  }
  const expand = (value: string) =>
    value.replace(/\$\{?(\w+)\}?/g, (whole, name: string) => args.get(name) ?? whole);
  const runs = lines.filter((line) => /^RUN\s/i.test(line)).join('\n');
  if (!/\bnpm (ci|install)\b[^\n]*--no-save|\bnpm ci\b/.test(runs)) {
    problems.push('Dockerfile does not install the locked dependencies (npm ci, or npm install --no-save)');
  }
  if (!/\bnpm run build\b/.test(runs)) problems.push('Dockerfile does not run npm run build');

  const lastFrom = lines.reduce((found, line, index) => (/^FROM\s/i.test(line) ? index : found), -1);
  if (lastFrom === -1) return [...problems, 'Dockerfile has no FROM'];
  const base = expand(lines[lastFrom]?.split(/\s+/)[1] ?? '');
  if (!/^node:20(\.|-|$)/.test(base)) problems.push(`runtime stage is based on ${base}, not Node 20`);
  const finalStage = lines.slice(lastFrom + 1);
  const users = finalStage.filter((line) => /^USER\s/i.test(line)).map((line) => line.split(/\s+/)[1] ?? '');
  const user = users[users.length - 1];
  if (user === undefined) problems.push('runtime stage does not switch to a non-root USER');
  else if (['root', '0'].includes(user.split(':')[0] ?? '')) problems.push(`runtime stage runs as ${user}`);
  if (!finalStage.some((line) => /^(CMD|ENTRYPOINT)\s/i.test(line)))
    problems.push('runtime stage has no CMD');
  return problems;
}

function searchAttributesFromFile(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((line) => line.replace(/#.*$/, '').trim())
    .filter(Boolean)
    .map((line) => line.split(/\s+/).join(' '));
}

const expectedAttributeLines = () =>
  EXPECTED_SEARCH_ATTRIBUTES.map(([name, type]) => `${name} ${type}`).sort();

function mutated(doc: Mapping, change: (copy: Mapping) => void): string[] {
  const copy = structuredClone(doc);
  change(copy);
  return composeProblems(copy);
}

function service(doc: Mapping, name: string): Mapping {
  const found = serviceOf(doc, name);
  assert.ok(found, `service ${name} exists`);
  return found;
}

void test('docker-compose.yml runs every app process against every service it needs', () => {
  assert.deepEqual(composeProblems(loadCompose()), []);
});

void test('the compose checks fail when the stack is broken', () => {
  const doc = loadCompose();
  const broken: Array<[string, (copy: Mapping) => void, RegExp]> = [
    ['redis removed', (copy) => delete servicesOf(copy).redis, /Redis/],
    ['worker removed', (copy) => delete servicesOf(copy).worker, /worker is missing/],
    [
      'replicaSet dropped from MONGODB_URI',
      (copy) => {
        const env = service(copy, 'api').environment;
        assert.ok(isMapping(env));
        env.MONGODB_URI = 'mongodb://mongo:27017/marketplace';
      },
      /replicaSet/,
    ],
    [
      'OpenSearch healthcheck removed',
      (copy) => delete service(copy, 'opensearch').healthcheck,
      /healthcheck/,
    ],
    [
      'api starts before mongo is healthy',
      (copy) => {
        service(copy, 'api').depends_on = { mongo: { condition: 'service_started' } };
      },
      /api does not wait for mongo/,
    ],
    [
      'Temporal on Cassandra',
      (copy) => {
        service(copy, 'temporal').environment = { DB: 'cassandra' };
      },
      /PostgreSQL/,
    ],
    ['api port unpublished', (copy) => delete service(copy, 'api').ports, /3000/],
    [
      'floating image tag',
      (copy) => {
        service(copy, 'redis').image = 'redis:latest';
      },
      /not pinned/,
    ],
  ];
  for (const [what, change, expected] of broken) {
    const problems = mutated(doc, change);
    assert.ok(
      problems.some((message) => expected.test(message)),
      `${what}: expected a problem matching ${String(expected)}, got ${JSON.stringify(problems)}`,
    );
  }
});

void test('Dockerfile installs the locked dependencies, builds with npm run build and runs as a non-root user', () => {
  assert.ok(existsSync(path.join(root, 'Dockerfile')), 'Dockerfile exists at the repository root');
  const dockerfile = readRepoFile('Dockerfile');
  assert.deepEqual(dockerfileProblems(dockerfile), []);
  // The same checks catch a root runtime user or a missing install step.
  assert.ok(dockerfileProblems(dockerfile.replace(/^USER\s+\S+/m, 'USER root')).length > 0);
  assert.ok(dockerfileProblems(dockerfile.replace(/npm (ci|install)[^\n]*/g, 'echo skipped')).length > 0);
});

void test('.dockerignore keeps node_modules and build output out of the build context', () => {
  const entries = readRepoFile('.dockerignore')
    .split(/\r?\n/)
    .map((line) => line.trim().replace(/^\/|\/$/g, ''));
  for (const required of ['node_modules', 'dist', '.git']) {
    assert.ok(entries.includes(required), `.dockerignore lists ${required}`);
  }
});

void test('the Temporal search attributes registered in compose are exactly the ones the app uses', () => {
  const registered = searchAttributesFromFile(readRepoFile('deploy/temporal-search-attributes.txt')).sort();
  assert.deepEqual(registered, expectedAttributeLines());

  const script = readRepoFile('deploy/temporal-register.sh');
  assert.match(script, /temporal operator search-attribute create/);
  assert.match(script, /temporal-search-attributes\.txt/);

  // The registering service sees deploy/ where the script expects it.
  const doc = loadCompose();
  const registrar = Object.values(servicesOf(doc)).find(
    (candidate): candidate is Mapping =>
      isMapping(candidate) && commandLine(candidate).includes('temporal-register.sh'),
  );
  assert.ok(registrar, 'a compose service runs deploy/temporal-register.sh');
  const volumes = Array.isArray(registrar.volumes)
    ? registrar.volumes.map((entry) => asString(entry) ?? '')
    : [];
  assert.ok(
    volumes.some((volume) => /^\.\/deploy:\/deploy(:ro)?$/.test(volume)),
    'deploy/ is mounted at /deploy',
  );

  // When the workflows declare their keys with defineSearchAttributeKey, the lists must agree.
  const source = path.join(root, 'workflows', 'search-attributes.ts');
  if (existsSync(source)) {
    const typeNames: Record<string, string> = {
      KEYWORD: 'Keyword',
      KEYWORD_LIST: 'KeywordList',
      INT: 'Int',
      DOUBLE: 'Double',
      BOOL: 'Bool',
      DATETIME: 'Datetime',
      TEXT: 'Text',
    };
    const declared = [
      ...readFileSync(source, 'utf8').matchAll(
        /defineSearchAttributeKey\(\s*['"](\w+)['"]\s*,\s*SearchAttributeType\.(\w+)\s*\)/g,
      ),
    ].map((match) => `${match[1] ?? ''} ${typeNames[match[2] ?? ''] ?? match[2] ?? ''}`);
    if (declared.length > 0) assert.deepEqual(declared.sort(), expectedAttributeLines());
  }
});

// --- Observability in compose: every app process scraped, a dashboard over every metric, traces collected.

/** The metric names the app defines (business counters and HTTP metrics), read from their source. */
function definedMetricNames(): string[] {
  const sources = ['observability/business-metrics.ts', 'observability/http-metrics.ts'].map(readRepoFile);
  return sources.flatMap((text) => [...text.matchAll(/name: '(\w+)'/g)].map((match) => match[1] ?? ''));
}

interface ObservabilityFiles {
  prometheus: Mapping;
  dashboard: Mapping;
  datasources: Mapping;
}

function readObservabilityFiles(): ObservabilityFiles {
  const prometheus: unknown = parse(readRepoFile('deploy/prometheus.yml'));
  const dashboard: unknown = JSON.parse(readRepoFile('deploy/grafana/dashboards/marketplace.json'));
  const datasources: unknown = parse(readRepoFile('deploy/grafana/provisioning/datasources/marketplace.yml'));
  assert.ok(isMapping(prometheus) && isMapping(dashboard) && isMapping(datasources));
  return { prometheus, dashboard, datasources };
}

function scrapeTargets(prometheus: Mapping): string[] {
  const jobs = Array.isArray(prometheus.scrape_configs) ? prometheus.scrape_configs : [];
  return jobs.flatMap((job) => {
    if (!isMapping(job) || !Array.isArray(job.static_configs)) return [];
    return job.static_configs.flatMap((config) =>
      isMapping(config) && Array.isArray(config.targets) ? config.targets.map((t) => asString(t) ?? '') : [],
    );
  });
}

function dashboardExpressions(dashboard: Mapping): string[] {
  const panels = Array.isArray(dashboard.panels) ? dashboard.panels : [];
  return panels.flatMap((panel) =>
    isMapping(panel) && Array.isArray(panel.targets)
      ? panel.targets.map((target) => (isMapping(target) ? (asString(target.expr) ?? '') : ''))
      : [],
  );
}

function observabilityProblems(doc: Mapping, files: ObservabilityFiles): string[] {
  const problems: string[] = [];
  const problem = (message: string) => problems.push(message);
  const services = servicesOf(doc);

  // Prometheus scrapes each app process on the port that process serves its metrics on.
  const prometheus = servicesWithImage(doc, 'prom/prometheus')[0];
  if (prometheus === undefined) problem('no Prometheus service (prom/prometheus)');
  const targets = scrapeTargets(files.prometheus);
  const metricsPortOf: Record<string, string> = {
    api: 'PORT',
    worker: 'WORKER_METRICS_PORT',
    'search-indexer': 'INDEXER_METRICS_PORT',
  };
  for (const [name, variable] of Object.entries(metricsPortOf)) {
    const app = serviceOf(doc, name);
    if (app === undefined) continue;
    const port = withDefaults(environmentOf(app).get(variable) ?? '');
    if (!/^[1-9]\d*$/.test(port))
      problem(`${name}: ${variable} is not a port, so its metrics are not served`);
    else if (!targets.includes(`${name}:${port}`)) problem(`Prometheus does not scrape ${name}:${port}`);
  }
  if (prometheus !== undefined) {
    const mounts = Array.isArray(services[prometheus] && (services[prometheus] as Mapping).volumes)
      ? ((services[prometheus] as Mapping).volumes as unknown[]).map((v) => asString(v) ?? '')
      : [];
    if (!mounts.some((m) => m.startsWith('./deploy/prometheus.yml:'))) {
      problem('Prometheus does not mount deploy/prometheus.yml');
    }
  }

  // Grafana provisions the Prometheus data source and the dashboard, which charts every defined metric.
  const grafana = servicesWithImage(doc, 'grafana/grafana')[0];
  if (grafana === undefined) problem('no Grafana service (grafana/grafana)');
  else {
    const mounts = ((services[grafana] as Mapping).volumes as unknown[] | undefined)?.map(
      (v) => asString(v) ?? '',
    );
    for (const source of ['./deploy/grafana/provisioning:', './deploy/grafana/dashboards:']) {
      if (!mounts?.some((m) => m.startsWith(source)))
        problem(`Grafana does not mount ${source.slice(0, -1)}`);
    }
  }
  const sources: unknown[] = Array.isArray(files.datasources.datasources)
    ? files.datasources.datasources
    : [];
  const promSource = sources.find((s) => isMapping(s) && s.type === 'prometheus');
  if (!isMapping(promSource) || parseUrl(asString(promSource.url) ?? '')?.hostname !== prometheus) {
    problem('the Grafana Prometheus data source does not point at the Prometheus service');
  }
  const expressions = dashboardExpressions(files.dashboard).join('\n');
  for (const metric of definedMetricNames()) {
    if (!expressions.includes(metric)) problem(`the dashboard does not chart ${metric}`);
  }
  if (!/\btemporal_\w+/.test(expressions)) problem('the dashboard charts no Temporal SDK metric');

  // Traces: every app process exports OTLP to a service that receives it.
  for (const name of Object.keys(metricsPortOf)) {
    const app = serviceOf(doc, name);
    if (app === undefined) continue;
    const endpoint = parseUrl(environmentOf(app).get('OTEL_EXPORTER_OTLP_ENDPOINT') ?? '');
    if (endpoint === undefined) problem(`${name} exports no traces (OTEL_EXPORTER_OTLP_ENDPOINT)`);
    else if (serviceOf(doc, endpoint.hostname) === undefined) {
      problem(`${name} sends traces to ${endpoint.hostname}, which is not a compose service`);
    }
  }

  // Production refuses the repository's local secrets, so compose must demand real ones.
  for (const name of Object.keys(metricsPortOf)) {
    const app = serviceOf(doc, name);
    if (app === undefined) continue;
    const env = environmentOf(app);
    for (const key of [
      'AUTH_TOKEN_SECRET',
      'OPS_PASSWORD',
      'STRIPE_WEBHOOK_SECRET',
      'CARRIER_WEBHOOK_SECRET',
    ]) {
      if (!new RegExp(`^\\$\\{${key}:\\?`).test(env.get(key) ?? '')) {
        problem(`${name}: ${key} must be required from .env (\${${key}:?...}), never defaulted`);
      }
    }
  }
  return problems;
}

void test('compose scrapes every app process, provisions a dashboard over every metric and collects traces', () => {
  assert.deepEqual(observabilityProblems(loadCompose(), readObservabilityFiles()), []);
});

void test('the observability checks fail when a piece is missing', () => {
  const doc = loadCompose();
  const files = readObservabilityFiles();
  const broken: Array<[string, (copy: Mapping, files: ObservabilityFiles) => void, RegExp]> = [
    [
      'worker target dropped',
      (_copy, f) => {
        f.prometheus.scrape_configs = (f.prometheus.scrape_configs as Mapping[]).filter(
          (j) => j.job_name !== 'worker',
        );
      },
      /does not scrape worker:9464/,
    ],
    [
      'a counter missing from the dashboard',
      (_copy, f) => {
        f.dashboard.panels = (f.dashboard.panels as Mapping[]).filter(
          (p) => !JSON.stringify(p).includes('marketplace_payouts_total'),
        );
      },
      /does not chart marketplace_payouts_total/,
    ],
    [
      'traces sent nowhere',
      (copy) => {
        const env = service(copy, 'api').environment;
        assert.ok(isMapping(env));
        env.OTEL_EXPORTER_OTLP_ENDPOINT = 'http://collector:4318';
      },
      /api sends traces to collector/,
    ],
    [
      'a webhook secret defaulted',
      (copy) => {
        const env = service(copy, 'worker').environment;
        assert.ok(isMapping(env));
        env.CARRIER_WEBHOOK_SECRET = '${CARRIER_WEBHOOK_SECRET:-carrier_local_secret}';
      },
      /worker: CARRIER_WEBHOOK_SECRET must be required/,
    ],
  ];
  for (const [what, change, expected] of broken) {
    const copy = structuredClone(doc);
    const filesCopy = structuredClone(files);
    change(copy, filesCopy);
    const problems = observabilityProblems(copy, filesCopy);
    assert.ok(
      problems.some((message) => expected.test(message)),
      `${what}: expected a problem matching ${String(expected)}, got ${JSON.stringify(problems)}`,
    );
  }
});
