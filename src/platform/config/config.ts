import { resolve } from 'node:path';
import { z } from 'zod';

/**
 * One typed configuration schema. Every variable names its environment variable, a default and a doc line;
 * `docs/configuration.md` is generated from (and kept in step with, by a test) this table.
 * The loaded object is validated at boot and frozen: nothing changes configuration at run time.
 */
interface Setting<T extends z.ZodType> {
  env: string;
  doc: string;
  default: string;
  schema: T;
  secret?: boolean;
}

function setting<T extends z.ZodType>(s: Setting<T>): Setting<T> {
  return s;
}

const bool = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');

export const configSpec = {
  nodeEnv: setting({
    env: 'NODE_ENV',
    doc: 'Run mode: `development`, `test` or `production`. Production refuses the demo session secret.',
    default: 'development',
    schema: z.enum(['development', 'test', 'production']),
  }),
  host: setting({
    env: 'HOST',
    doc: 'Interface the web process listens on.',
    default: '127.0.0.1',
    schema: z.string().min(1),
  }),
  port: setting({
    env: 'PORT',
    doc: 'TCP port of the web process (0 picks a free port).',
    default: '3000',
    schema: z.coerce.number().int().min(0).max(65535),
  }),
  baseUrl: setting({
    env: 'BASE_URL',
    doc: 'Public address of the portal, used in QR codes, e-mails and absolute links. Defaults to http://HOST:PORT.',
    default: '',
    schema: z.union([z.literal(''), z.string().url()]),
  }),
  databaseUrl: setting({
    env: 'DATABASE_URL',
    doc: 'PostgreSQL connection string. Empty: the embedded PostgreSQL (PGlite) under DATA_DIR.',
    default: '',
    schema: z.string(),
    secret: true,
  }),
  databasePoolSize: setting({
    env: 'DATABASE_POOL_SIZE',
    doc: 'Connections per process to PostgreSQL (ignored by the embedded database, which has one).',
    default: '10',
    schema: z.coerce.number().int().min(1).max(200),
  }),
  dataDir: setting({
    env: 'DATA_DIR',
    doc: 'Folder for the embedded database and local file storage.',
    default: './.data',
    schema: z.string().min(1),
  }),
  defaultLocale: setting({
    env: 'DEFAULT_LOCALE',
    doc: 'Language of pages when the visitor has not chosen one: `vi` or `en`.',
    default: 'vi',
    schema: z.enum(['vi', 'en']),
  }),
  logLevel: setting({
    env: 'LOG_LEVEL',
    doc: 'pino log level: fatal, error, warn, info, debug, trace or silent.',
    default: 'info',
    schema: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']),
  }),
  sessionSecret: setting({
    env: 'SESSION_SECRET',
    doc: 'Secret (32+ characters) that signs cookies. The demo value is refused when NODE_ENV=production.',
    default: 'motcua-demo-secret-change-me-in-production-0000',
    schema: z.string().min(32),
    secret: true,
  }),
  sessionIdleMinutes: setting({
    env: 'SESSION_IDLE_MINUTES',
    doc: 'A session ends after this many minutes without a request.',
    default: '30',
    schema: z.coerce.number().int().min(5).max(1440),
  }),
  sessionMaxHours: setting({
    env: 'SESSION_MAX_HOURS',
    doc: 'A session ends this many hours after sign-in, however active.',
    default: '12',
    schema: z.coerce.number().int().min(1).max(720),
  }),
  authRateLimit: setting({
    env: 'AUTH_RATE_LIMIT',
    doc: 'Sign-in, registration, one-time-code and recovery attempts allowed per client address per minute, per form.',
    default: '10',
    schema: z.coerce.number().int().min(1),
  }),
  lookupRateLimit: setting({
    env: 'LOOKUP_RATE_LIMIT',
    doc: 'Public dossier lookups allowed per client address per minute (slows enumeration of codes).',
    default: '30',
    schema: z.coerce.number().int().min(1),
  }),
  draftLifetimeDays: setting({
    env: 'DRAFT_LIFETIME_DAYS',
    doc: 'A draft dossier not touched for this many days expires and is purged.',
    default: '30',
    schema: z.coerce.number().int().min(1).max(365),
  }),
  storageDriver: setting({
    env: 'STORAGE_DRIVER',
    doc: 'Where uploaded files and issued documents are kept: `local` (DATA_DIR/files) or `s3` (an S3-compatible store).',
    default: 'local',
    schema: z.enum(['local', 's3']),
  }),
  s3Endpoint: setting({ env: 'S3_ENDPOINT', doc: 'S3-compatible endpoint URL (empty: AWS).', default: '', schema: z.string() }),
  s3Region: setting({ env: 'S3_REGION', doc: 'S3 region.', default: 'us-east-1', schema: z.string() }),
  s3Bucket: setting({ env: 'S3_BUCKET', doc: 'S3 bucket (required with STORAGE_DRIVER=s3).', default: '', schema: z.string() }),
  s3AccessKeyId: setting({ env: 'S3_ACCESS_KEY_ID', doc: 'S3 access key id (empty: the SDK default chain).', default: '', schema: z.string(), secret: true }),
  s3SecretAccessKey: setting({ env: 'S3_SECRET_ACCESS_KEY', doc: 'S3 secret access key.', default: '', schema: z.string(), secret: true }),
  s3ForcePathStyle: setting({ env: 'S3_FORCE_PATH_STYLE', doc: 'Path-style bucket addressing (MinIO and most self-hosted stores).', default: 'true', schema: bool }),
  s3KeyPrefix: setting({ env: 'S3_KEY_PREFIX', doc: 'Prefix of every object key (to share a bucket).', default: '', schema: z.string() }),
  uploadMaxMegabytes: setting({
    env: 'UPLOAD_MAX_MB',
    doc: 'Largest file a citizen may upload for one document, in megabytes.',
    default: '10',
    schema: z.coerce.number().int().min(1).max(100),
  }),
  trustProxy: setting({
    env: 'TRUST_PROXY',
    doc: 'Trust X-Forwarded-* headers (true behind a reverse proxy) so rate limits see the real client address.',
    default: 'false',
    schema: bool,
  }),
  searchRateLimit: setting({
    env: 'SEARCH_RATE_LIMIT',
    doc: 'Catalogue searches and API calls allowed per client address per minute.',
    default: '600',
    schema: z.coerce.number().int().min(1),
  }),
  portalAgencyCode: setting({
    env: 'PORTAL_AGENCY_CODE',
    doc: 'Electronic identifier of the agency that runs this portal (its name and identity appear in the header).',
    default: '000.00.00.H42',
    schema: z.string().min(1).max(35),
  }),
  catalogueFile: setting({
    env: 'CATALOGUE_FILE',
    doc: 'National procedure catalogue (gzip JSON lines) loaded by `motcua import-catalogue` and the demo.',
    default: 'data/procedures/national-catalogue-2026-07.jsonl.gz',
    schema: z.string().min(1),
  }),
  unitsDir: setting({
    env: 'UNITS_DIR',
    doc: 'Folder of administrative-unit files loaded by `motcua import-units` and the demo.',
    default: 'data/administrative-units',
    schema: z.string().min(1),
  }),
} as const;

type Spec = typeof configSpec;
export type Config = Readonly<{ [K in keyof Spec]: z.output<Spec[K]['schema']> }>;

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Reads, validates and freezes the configuration; `overrides` (by key) win over the environment. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, overrides: Partial<Record<keyof Spec, string>> = {}): Config {
  const out: Record<string, unknown> = {};
  const problems: string[] = [];
  for (const [key, s] of Object.entries(configSpec) as [keyof Spec, Setting<z.ZodType>][]) {
    const rawValue = overrides[key] ?? env[s.env] ?? s.default;
    const parsed = s.schema.safeParse(rawValue);
    if (parsed.success) out[key] = parsed.data;
    else problems.push(`${s.env}: ${parsed.error.issues.map((i) => i.message).join('; ')}`);
  }
  if (problems.length > 0) throw new ConfigError(problems);
  if (out.nodeEnv === 'production' && out.sessionSecret === configSpec.sessionSecret.default) {
    throw new ConfigError([`SESSION_SECRET: the demo secret cannot be used in production`]);
  }
  out.dataDir = resolve(String(out.dataDir));
  if (out.baseUrl === '') {
    const host = out.host === '0.0.0.0' ? 'localhost' : out.host;
    out.baseUrl = `http://${host}:${out.port}`;
  }
  return Object.freeze(out) as Config;
}

/** The configuration as a Markdown table, for docs/configuration.md. */
export function configTable(): string {
  const rows = Object.values(configSpec).map(
    (s: Setting<z.ZodType>) => `| \`${s.env}\` | ${s.default === '' ? '(empty)' : `\`${s.default}\``} | ${s.doc} |`,
  );
  return ['| variable | default | meaning |', '|---|---|---|', ...rows].join('\n');
}

/** A copy safe to log: secrets replaced. */
export function redactedConfig(config: Config): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, s] of Object.entries(configSpec) as [keyof Spec, Setting<z.ZodType>][]) {
    out[key] = s.secret && config[key] ? '[redacted]' : config[key];
  }
  return out;
}
