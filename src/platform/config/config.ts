import { createHash } from 'node:crypto';
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
  dataEncryptionKeys: setting({
    env: 'DATA_ENCRYPTION_KEYS',
    doc: 'Master keys that wrap the keys encrypting identity and phone numbers at rest: a comma list of `keyId:base64` (32 random bytes each, e.g. `openssl rand -base64 32`); the first is current, the others only unwrap data keys wrapped before a change (then run `motcua keys:rewrap`). Empty outside production: a fixed, public demo key (id `demo`); refused in production.',
    default: '',
    schema: z.string().transform((text, ctx) => parseMasterKeys(text, ctx)),
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
  officerSessionIdleMinutes: setting({
    env: 'OFFICER_SESSION_IDLE_MINUTES',
    doc: "An officer's session ends after this many minutes without a request (shorter than citizens').",
    default: '15',
    schema: z.coerce.number().int().min(1).max(1440),
  }),
  officerSecondFactor: setting({
    env: 'OFFICER_SECOND_FACTOR',
    doc: 'required: officers sign in with a TOTP authenticator code (enrolled at first sign-in) after the password. off: password only — for development only, never in production.',
    default: 'required',
    schema: z.enum(['required', 'off']),
  }),
  webauthnRpId: setting({
    env: 'WEBAUTHN_RP_ID',
    doc: "Relying party id of officers' security keys (WebAuthn): the portal's host name, which keys are bound to. Empty: the host of BASE_URL. Browsers refuse an IP address, so with BASE_URL on 127.0.0.1 security keys are not offered (use http://localhost:3000); TOTP always works.",
    default: '',
    schema: z.union([z.literal(''), z.string().regex(/^[A-Za-z0-9.-]+$/, 'a host name')]),
  }),
  webauthnOrigin: setting({
    env: 'WEBAUTHN_ORIGIN',
    doc: 'The origin browsers report in security-key ceremonies (scheme, host and port, no path). Empty: the origin of BASE_URL.',
    default: '',
    schema: z.union([z.literal(''), z.string().url()]),
  }),
  vneidIssuer: setting({
    env: 'VNEID_ISSUER',
    doc: 'OpenID Connect issuer of the national electronic identity (VNeID). Empty: `npm start` runs the local VNeID sandbox (demo citizens) and uses it; the web process alone shows no VNeID button.',
    default: '',
    schema: z.union([z.literal(''), z.string().url()]),
  }),
  vneidClientId: setting({
    env: 'VNEID_CLIENT_ID',
    doc: 'The client id the portal is registered with at the VNeID issuer.',
    default: 'motcua-portal',
    schema: z.string().min(1),
  }),
  vneidClientSecret: setting({
    env: 'VNEID_CLIENT_SECRET',
    doc: 'The client secret for VNEID_CLIENT_ID (client_secret_basic). Empty with the sandbox: one is generated at start.',
    default: '',
    schema: z.string(),
    secret: true,
  }),
  vneidRedirectUri: setting({
    env: 'VNEID_REDIRECT_URI',
    doc: 'The redirect URI registered at the issuer. Empty: BASE_URL + /dang-nhap/vneid/callback.',
    default: '',
    schema: z.union([z.literal(''), z.string().url()]),
  }),
  vneidSandboxPort: setting({
    env: 'VNEID_SANDBOX_PORT',
    doc: 'Port of the local VNeID sandbox started by `npm start` when VNEID_ISSUER is empty (development only; 0: any free port).',
    default: '3001',
    schema: z.coerce.number().int().min(0).max(65535),
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
  lookupMaxStalenessMs: setting({
    env: 'LOOKUP_MAX_STALENESS_MS',
    doc:
      'PostgreSQL: a public lookup may miss a change another web process committed at most this many milliseconds before it ' +
      '(it then skips the round trip that proves every earlier change has arrived). 0: every lookup shows every change committed ' +
      'before it. A change made through the same process drops its cached copy at once either way. See docs/architecture.md.',
    default: '1000',
    schema: z.coerce.number().int().min(0).max(60_000),
  }),
  draftLifetimeDays: setting({
    env: 'DRAFT_LIFETIME_DAYS',
    doc: 'A draft dossier not touched for this many days expires and is purged.',
    default: '30',
    schema: z.coerce.number().int().min(1).max(365),
  }),
  messageRetentionDays: setting({
    env: 'MESSAGE_RETENTION_DAYS',
    doc: 'Sent, failed or skipped outgoing messages and received SMS/Zalo messages older than this many days are deleted by the nightly retention job (they hold phone numbers and e-mail addresses).',
    default: '180',
    schema: z.coerce.number().int().min(7).max(3650),
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
  signingKeysDir: setting({
    env: 'SIGNING_KEYS_DIR',
    doc: 'Folder of the signing keys: `leader-<user id>.p12` and `seal-<agency code>.p12` (PKCS#12), and `root-ca.pem`, the root certificates trusted when checking uploaded results. Empty: DATA_DIR/signing (the demo writes demo keys there).',
    default: '',
    schema: z.string(),
  }),
  signingKeysPassword: setting({
    env: 'SIGNING_KEYS_PASSWORD',
    doc: 'Password of the PKCS#12 files in SIGNING_KEYS_DIR (the demo keys use the default).',
    default: 'motcua-demo',
    schema: z.string().min(1),
    secret: true,
  }),
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
  // ---- fees and online payment (payments module) ----
  paymentGatewayUrl: setting({
    env: 'PAYMENT_GATEWAY_URL',
    doc: 'Payment page of the card/e-wallet gateway (VNPAY-style signed query string). Empty: the local sandbox at BASE_URL/dev/cong-thanh-toan (not in production).',
    default: '',
    schema: z.union([z.literal(''), z.string().url()]),
  }),
  paymentGatewayMerchant: setting({
    env: 'PAYMENT_GATEWAY_MERCHANT',
    doc: 'Merchant (terminal) code the gateway issued to the portal (vnp_TmnCode).',
    default: 'MOTCUA01',
    schema: z.string().min(1).max(20),
  }),
  paymentGatewaySecret: setting({
    env: 'PAYMENT_GATEWAY_SECRET',
    doc: 'Secret the gateway issued for HMAC-SHA512 signatures of requests, returns and IPNs. The sandbox value is refused in production.',
    default: 'MOTCUA-SANDBOX-GATEWAY-SECRET-0000',
    schema: z.string().min(16),
    secret: true,
  }),
  paymentTimeoutMinutes: setting({
    env: 'PAYMENT_TIMEOUT_MINUTES',
    doc: 'A payment order expires this many minutes after it is made; money notified as paid later is refunded, never credited.',
    default: '15',
    schema: z.coerce.number().int().min(1).max(1440),
  }),
  paymentBankBin: setting({
    env: 'PAYMENT_BANK_BIN',
    doc: 'NAPAS BIN of the bank holding the fee collection account, for VietQR transfers (default a sandbox value).',
    default: '970436',
    schema: z.string().regex(/^\d{6}$/),
  }),
  paymentBankAccount: setting({
    env: 'PAYMENT_BANK_ACCOUNT',
    doc: 'Fee collection account number that VietQR transfers go to (default a sandbox value).',
    default: '0011001234567',
    schema: z.string().regex(/^[0-9A-Za-z]{1,19}$/),
  }),
  paymentBankAccountName: setting({
    env: 'PAYMENT_BANK_ACCOUNT_NAME',
    doc: 'Name of the collection account holder, shown beside the VietQR code.',
    default: 'TRUNG TAM PHUC VU HANH CHINH CONG',
    schema: z.string().min(1).max(100),
  }),
  paymentBankWebhookSecret: setting({
    env: 'PAYMENT_BANK_WEBHOOK_SECRET',
    doc: 'Shared secret of the bank’s credit notifications (HMAC-SHA256 of timestamp and body). The sandbox value is refused in production.',
    default: 'MOTCUA-SANDBOX-BANK-WEBHOOK-0000',
    schema: z.string().min(16),
    secret: true,
  }),
  receiptTemplate: setting({
    env: 'RECEIPT_TEMPLATE',
    doc: 'Template symbol ("ký hiệu mẫu") printed on electronic fee receipts (unverified default; set the one registered with the tax authority).',
    default: '01BLP0-001',
    schema: z.string().min(1).max(20),
  }),
  receiptSeries: setting({
    env: 'RECEIPT_SERIES',
    doc: 'Series symbol ("ký hiệu") of electronic fee receipts; numbers run without gaps within template and series (unverified default).',
    default: 'NB-26E',
    schema: z.string().min(1).max(20),
  }),
  // ---- notification delivery (notifications module) ----
  smtpHost: setting({
    env: 'SMTP_HOST',
    doc: 'SMTP server for e-mail. Empty: the local test SMTP server (127.0.0.1:NOTIFY_SANDBOX_SMTP_PORT) that `npm start` runs.',
    default: '',
    schema: z.string(),
  }),
  smtpPort: setting({ env: 'SMTP_PORT', doc: 'SMTP server port (587 with STARTTLS, 465 with SMTP_SECURE=true).', default: '587', schema: z.coerce.number().int().min(1).max(65535) }),
  smtpSecure: setting({ env: 'SMTP_SECURE', doc: 'TLS from the first byte (port 465); false: STARTTLS when offered.', default: 'false', schema: bool }),
  smtpUser: setting({ env: 'SMTP_USER', doc: 'SMTP user (empty: no authentication).', default: '', schema: z.string() }),
  smtpPassword: setting({ env: 'SMTP_PASSWORD', doc: 'SMTP password.', default: '', schema: z.string(), secret: true }),
  mailFrom: setting({
    env: 'MAIL_FROM',
    doc: 'From header of e-mails the portal sends.',
    default: '"Cổng dịch vụ công" <no-reply@motcua.local>',
    schema: z.string().min(3),
  }),
  smsApiUrl: setting({
    env: 'SMS_API_URL',
    doc: 'SMS gateway endpoint (generic JSON: POST { to, text, reference } with a Bearer API key). Empty: the local sandbox at http://127.0.0.1:NOTIFY_SANDBOX_PORT/sms.',
    default: '',
    schema: z.union([z.literal(''), z.string().url()]),
  }),
  smsApiKey: setting({ env: 'SMS_API_KEY', doc: 'API key of the SMS gateway (the sandbox accepts the default).', default: 'motcua-sandbox-sms-key', schema: z.string().min(1), secret: true }),
  zaloApiUrl: setting({
    env: 'ZALO_API_URL',
    doc: 'Zalo Official Account message endpoint (header access_token; { recipient, message: { text } }). Empty: the local sandbox at http://127.0.0.1:NOTIFY_SANDBOX_PORT/zalo.',
    default: '',
    schema: z.union([z.literal(''), z.string().url()]),
  }),
  zaloAccessToken: setting({ env: 'ZALO_ACCESS_TOKEN', doc: 'Access token of the Zalo official account (the sandbox accepts the default).', default: 'motcua-sandbox-zalo-token', schema: z.string().min(1), secret: true }),
  inboundWebhookSecret: setting({
    env: 'INBOUND_WEBHOOK_SECRET',
    doc: 'Shared secret that signs inbound SMS/Zalo webhook calls to /api/v1/tin-nhan-den (HMAC-SHA256 for SMS, the Zalo OA mac for Zalo). With the sandbox value the webhook is not served in production.',
    default: 'MOTCUA-SANDBOX-INBOUND-SECRET-0000',
    schema: z.string().min(16),
    secret: true,
  }),
  inboundRateLimit: setting({
    env: 'INBOUND_RATE_LIMIT',
    doc: 'Texts accepted from one phone number or Zalo account per hour; more get no reply.',
    default: '10',
    schema: z.coerce.number().int().min(1),
  }),
  notifySandboxPort: setting({
    env: 'NOTIFY_SANDBOX_PORT',
    doc: 'HTTP port of the local SMS/Zalo sandbox that `npm start` runs when SMS_API_URL, ZALO_API_URL or SMTP_HOST is empty (not in production; 0: any free port).',
    default: '3025',
    schema: z.coerce.number().int().min(0).max(65535),
  }),
  notifySandboxSmtpPort: setting({
    env: 'NOTIFY_SANDBOX_SMTP_PORT',
    doc: 'Port of the local test SMTP server that `npm start` runs when SMTP_HOST is empty (0: any free port).',
    default: '2525',
    schema: z.coerce.number().int().min(0).max(65535),
  }),
  notifyMaxAttempts: setting({
    env: 'NOTIFY_MAX_ATTEMPTS',
    doc: 'Delivery attempts of one message before it is marked failed.',
    default: '5',
    schema: z.coerce.number().int().min(1).max(50),
  }),
  notifyRetrySeconds: setting({
    env: 'NOTIFY_RETRY_SECONDS',
    doc: 'Wait before the first retry of a failed delivery, doubled for each later one (± 20 %, at most an hour).',
    default: '30',
    schema: z.coerce.number().min(0.01).max(3600),
  }),
  notifyBatchSize: setting({
    env: 'NOTIFY_BATCH_SIZE',
    doc: 'Messages one worker claims and sends at once per channel.',
    default: '20',
    schema: z.coerce.number().int().min(1).max(500),
  }),
} as const;

/** A master key (key-encryption key) of DATA_ENCRYPTION_KEYS. */
export interface MasterKeySetting {
  id: string;
  key: Buffer;
}

export const demoMasterKeyId = 'demo';

/**
 * The demo master key used outside production when DATA_ENCRYPTION_KEYS is empty. It is derived from a public
 * string, so data sealed under it is protected against nothing: it only keeps the demo and the tests on the
 * production code path. loadConfig refuses it when NODE_ENV=production.
 */
export const demoDataEncryptionKeys: readonly MasterKeySetting[] = Object.freeze([
  Object.freeze({ id: demoMasterKeyId, key: createHash('sha256').update('motcua-demo-data-encryption-key (public; never for real data)').digest() }),
]);

function parseMasterKeys(text: string, ctx: z.RefinementCtx): MasterKeySetting[] {
  const keys: MasterKeySetting[] = [];
  for (const entry of text.split(',').map((e) => e.trim()).filter((e) => e !== '')) {
    const match = /^([A-Za-z0-9_-]{1,32}):([A-Za-z0-9+/=_-]+)$/.exec(entry);
    const key = match ? Buffer.from(match[2]!, match[2]!.includes('-') || match[2]!.includes('_') ? 'base64url' : 'base64') : null;
    if (!match || !key || key.length !== 32) {
      ctx.addIssue({ code: 'custom', message: 'each key is keyId:base64 of 32 bytes' });
      return [];
    }
    if (keys.some((k) => k.id === match[1])) {
      ctx.addIssue({ code: 'custom', message: `key id ${match[1]} appears twice` });
      return [];
    }
    keys.push({ id: match[1]!, key });
  }
  return keys;
}

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
  const masterKeys = out.dataEncryptionKeys as MasterKeySetting[];
  if (out.nodeEnv === 'production' && (masterKeys.length === 0 || masterKeys.some((k) => k.id === demoMasterKeyId))) {
    throw new ConfigError([`DATA_ENCRYPTION_KEYS: production needs its own master key (the demo key is public)`]);
  }
  if (masterKeys.length === 0) out.dataEncryptionKeys = demoDataEncryptionKeys;
  if (out.nodeEnv === 'production' && out.officerSecondFactor === 'off') {
    throw new ConfigError([`OFFICER_SECOND_FACTOR: 'off' is for development only`]);
  }
  out.dataDir = resolve(String(out.dataDir));
  out.signingKeysDir = out.signingKeysDir ? resolve(String(out.signingKeysDir)) : resolve(String(out.dataDir), 'signing');
  if (out.baseUrl === '') {
    const host = out.host === '0.0.0.0' ? 'localhost' : out.host;
    out.baseUrl = `http://${host}:${out.port}`;
  }
  const base = new URL(String(out.baseUrl));
  if (out.webauthnRpId === '') out.webauthnRpId = base.hostname;
  out.webauthnOrigin = out.webauthnOrigin === '' ? base.origin : new URL(String(out.webauthnOrigin)).origin;
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
