/**
 * Server configuration: environment variables, optionally backed by a JSON
 * config file. Every setting is validated at start-up; a bad one stops the
 * start with a message naming it (ConfigError), never a stack trace.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import ipaddr from 'ipaddr.js';
import type { RequestLogSettings } from '../request-log/recorder.js';
import { tablePrefixProblem } from '../store/sql/table-names.js';

export type DatabaseConfig =
  | {
      readonly kind: 'sqlite';
      /** Absolute path of the SQLite file. */
      readonly filename: string;
      /** `full`: acknowledged writes survive a power cut; `normal`: faster, may lose the last commits on power loss. */
      readonly synchronous: 'full' | 'normal';
      /** Put before the name of every table and index Scimitar owns (e.g. `scim_`), so it shares the file with an app's own tables; none by default. */
      readonly tablePrefix?: string;
    }
  | {
      /** PostgreSQL, or MySQL 8 / MariaDB 10.11+ (`mysql`). */
      readonly kind: 'postgres' | 'mysql';
      /** The connection string, as given (it may hold a password: never log it). */
      readonly url: string;
      /** Connections per instance. */
      readonly poolSize: number;
      /** Longest a single statement may run, in milliseconds, before the database cancels it. */
      readonly statementTimeoutMs: number;
      /** The schema holding Scimitar's tables (default `public`): another one keeps them apart from an app's own tables in the same database. */
      readonly schema?: string;
      /** PostgreSQL only: statements run as named prepared statements (default true; false behind a pooler that cannot keep them, see docs/operations.md). */
      readonly preparedStatements?: boolean;
      /** Put before the name of every table, index and constraint Scimitar owns (e.g. `scim_`), so it shares a schema or database with an app's own tables; none by default. */
      readonly tablePrefix?: string;
    };

export interface ScimitarConfig {
  readonly port: number;
  readonly host: string;
  readonly database: DatabaseConfig;
  /** A bearer token fixed by the operator (SCIMITAR_TOKEN); undefined → tokens stored hashed in the database. */
  readonly token: string | undefined;
  /** Absolute public URL of the server (no trailing slash), used for meta.location; undefined → from the request. */
  readonly publicUrl: string | undefined;
  /**
   * Which X-Forwarded-* headers to believe: none (false), those written by the
   * nearest `n` proxies (a number), or by proxies at these addresses / CIDR
   * ranges. The client address is then the right-most hop no trusted proxy
   * wrote, never a value the client chose.
   */
  readonly trustProxy: TrustedProxies;
  readonly logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** Log request URLs whole; by default query values that may hold directory data are redacted. */
  readonly logFullUrls: boolean;
  /** Largest request body accepted, in bytes (the Bulk route has its own, bulk.maxPayloadSize). */
  readonly bodyLimit: number;
  readonly defaultPageSize: number;
  readonly maxPageSize: number;
  /**
   * Server secret keying the hashes of bearer tokens and admin keys
   * (HMAC-SHA256). undefined → the composition root supplies one (for SQLite,
   * a generated key file next to the database).
   */
  readonly secret: string | undefined;
  /** Per-tenant request rate limit: sustained requests per second, and the burst allowed above it. */
  readonly rateLimit: { readonly perSecond: number; readonly burst: number };
  /**
   * Failed authentication: after `limit` failures within `windowSeconds`
   * from one client address (or on one tenant's URL), further attempts are
   * answered 429 until the window ends.
   */
  readonly authFailures: { readonly limit: number; readonly windowSeconds: number };
  /** OAuth 2.0 client credentials (src/oauth): how long an access token from the token endpoint works, in seconds. */
  readonly oauth: { readonly accessTokenLifetimeSeconds: number };
  /** SCIM Bulk (RFC 7644 §3.7.4): the most operations, and the largest body in bytes, one Bulk request may carry. */
  readonly bulk: { readonly maxOperations: number; readonly maxPayloadSize: number };
  /** The outbox: events older than this many days are removed (unless a webhook has yet to take them). */
  readonly events: { readonly retentionDays: number };
  /** Webhook delivery of the outbox's events (docs/webhooks.md). */
  readonly webhooks: WebhookSettings;
  /** The per-tenant request log (docs/request-log.md). */
  readonly requestLog: RequestLogSettings;
  /** Prometheus metrics (docs/operations.md). */
  readonly metrics: MetricsConfig;
}

export interface MetricsConfig {
  /** Collect metrics and serve GET /metrics (behind an admin key on the main port). */
  readonly enabled: boolean;
  /** Also serve GET /metrics without authentication on this address (a private network); undefined: no such listener. */
  readonly listen: { readonly host: string; readonly port: number } | undefined;
  /** Tenants with per-tenant series of their own; later ones share the label `_other`. */
  readonly tenantLabelLimit: number;
}

export interface WebhookSettings {
  /** Deliver to private, loopback and link-local addresses too (a receiver on the same network). */
  readonly allowPrivate: boolean;
  /** Host names (lowercase) exempt from the address check, e.g. an internal receiver's name. */
  readonly allowedHosts: readonly string[];
  /** Accept http:// webhook URLs (https:// only by default: the body holds directory data). */
  readonly allowHttp: boolean;
  /** One attempt's whole exchange (connect, send, response) in milliseconds. */
  readonly timeoutMs: number;
  /** Attempts before a delivery is given up (`failed`). */
  readonly maxAttempts: number;
  /** Age after which a delivery is given up, in hours. */
  readonly maxAgeHours: number;
  /** How often each instance looks for new events and due retries when nothing woke it. */
  readonly pollIntervalMs: number;
  /** Deliveries sent at once per target (a webhook, or a consumer in a tenant) by one instance. */
  readonly concurrency: number;
  /** Exponential backoff with full jitter: the first retry waits up to `retryBaseMs`, each later one up to twice that, never more than `retryMaxMs`. */
  readonly retryBaseMs: number;
  readonly retryMaxMs: number;
}

/** false: no proxy; a number: that many proxy hops; a list: proxies at these addresses or CIDR ranges. */
export type TrustedProxies = false | number | readonly string[];

export class ConfigError extends Error {
  readonly setting: string;
  constructor(setting: string, message: string) {
    super(`Invalid configuration: ${setting}: ${message}`);
    this.name = 'ConfigError';
    this.setting = setting;
  }
}

/** The keys a config file may hold: the environment variable names. */
const SETTINGS = [
  'PORT',
  'HOST',
  'DATABASE_URL',
  'SCIMITAR_TOKEN',
  'SCIMITAR_PUBLIC_URL',
  'SCIMITAR_TRUST_PROXY',
  'SCIMITAR_LOG_LEVEL',
  'SCIMITAR_LOG_FULL_URLS',
  'SCIMITAR_BODY_LIMIT',
  'SCIMITAR_DEFAULT_PAGE_SIZE',
  'SCIMITAR_MAX_PAGE_SIZE',
  'SCIMITAR_DB_POOL_SIZE',
  'SCIMITAR_DB_STATEMENT_TIMEOUT_MS',
  'SCIMITAR_DB_SCHEMA',
  'SCIMITAR_DB_PREPARED_STATEMENTS',
  'SCIMITAR_DB_TABLE_PREFIX',
  'SCIMITAR_SQLITE_SYNCHRONOUS',
  'SCIMITAR_SECRET',
  'SCIMITAR_RATE_LIMIT_PER_SECOND',
  'SCIMITAR_RATE_LIMIT_BURST',
  'SCIMITAR_AUTH_FAILURE_LIMIT',
  'SCIMITAR_AUTH_FAILURE_WINDOW',
  'SCIMITAR_OAUTH_TOKEN_LIFETIME',
  'SCIMITAR_BULK_MAX_OPERATIONS',
  'SCIMITAR_BULK_MAX_PAYLOAD_SIZE',
  'SCIMITAR_EVENT_RETENTION_DAYS',
  'SCIMITAR_WEBHOOK_ALLOW_PRIVATE',
  'SCIMITAR_WEBHOOK_ALLOWED_HOSTS',
  'SCIMITAR_WEBHOOK_ALLOW_HTTP',
  'SCIMITAR_WEBHOOK_TIMEOUT_MS',
  'SCIMITAR_WEBHOOK_MAX_ATTEMPTS',
  'SCIMITAR_WEBHOOK_MAX_AGE_HOURS',
  'SCIMITAR_WEBHOOK_POLL_INTERVAL_MS',
  'SCIMITAR_WEBHOOK_CONCURRENCY',
  'SCIMITAR_WEBHOOK_RETRY_BASE_MS',
  'SCIMITAR_WEBHOOK_RETRY_MAX_MS',
  'SCIMITAR_REQUEST_LOG',
  'SCIMITAR_REQUEST_LOG_RETENTION_DAYS',
  'SCIMITAR_REQUEST_LOG_MAX_ROWS_PER_TENANT',
  'SCIMITAR_REQUEST_LOG_MAX_BODY_BYTES',
  'SCIMITAR_REQUEST_LOG_REDACT',
  'SCIMITAR_METRICS',
  'SCIMITAR_METRICS_PORT',
  'SCIMITAR_METRICS_HOST',
  'SCIMITAR_METRICS_TENANT_LIMIT',
] as const;
type SettingName = (typeof SETTINGS)[number];
type RawSettings = Partial<Record<SettingName, string>>;

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** Reads `SCIMITAR_CONFIG` (a JSON file of the settings above); environment variables win over it. */
function readSettings(env: NodeJS.ProcessEnv, cwd: string): RawSettings {
  const settings: RawSettings = {};
  const configFile = env['SCIMITAR_CONFIG'];
  if (configFile) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(path.resolve(cwd, configFile), 'utf8'));
    } catch (error) {
      throw new ConfigError('SCIMITAR_CONFIG', `cannot read ${configFile} as JSON (${(error as Error).message})`);
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      throw new ConfigError('SCIMITAR_CONFIG', `${configFile} must hold a JSON object of settings`);
    }
    for (const [key, value] of Object.entries(parsed)) {
      if (!(SETTINGS as readonly string[]).includes(key)) {
        throw new ConfigError('SCIMITAR_CONFIG', `unknown setting "${key}" in ${configFile}; known settings: ${SETTINGS.join(', ')}`);
      }
      if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') {
        throw new ConfigError(key, `must be a string, number or boolean in ${configFile}`);
      }
      settings[key as SettingName] = String(value);
    }
  }
  for (const name of SETTINGS) {
    const value = env[name];
    if (value !== undefined && value !== '') settings[name] = value;
  }
  return settings;
}

function integerSetting(settings: RawSettings, name: SettingName, fallback: number, min: number, max: number): number {
  const raw = settings[name];
  if (raw === undefined) return fallback;
  if (!/^\d+$/.test(raw.trim())) throw new ConfigError(name, `must be a whole number, got "${raw}"`);
  const value = Number(raw);
  if (value < min || value > max) throw new ConfigError(name, `must be between ${min} and ${max}, got ${value}`);
  return value;
}

function booleanSetting(settings: RawSettings, name: SettingName, fallback: boolean): boolean {
  const raw = settings[name];
  if (raw === undefined) return fallback;
  const normalized = raw.trim().toLowerCase();
  if (['1', 'true', 'yes', 'on'].includes(normalized)) return true;
  if (['0', 'false', 'no', 'off'].includes(normalized)) return false;
  throw new ConfigError(name, `must be true or false, got "${raw}"`);
}

/** proxy-addr's names for the loopback, link-local and unique-local ranges, accepted in a trusted list. */
const PROXY_RANGE_NAMES = ['loopback', 'linklocal', 'uniquelocal'];

/**
 * `true` means one proxy hop, not "believe every X-Forwarded-For entry": the
 * left-most entry is written by the client, so trusting it would let anyone
 * choose the address their failed authentications are counted against.
 */
function trustProxySetting(settings: RawSettings): TrustedProxies {
  const raw = settings.SCIMITAR_TRUST_PROXY?.trim();
  if (raw === undefined) return false;
  const normalized = raw.toLowerCase();
  if (['0', 'false', 'no', 'off'].includes(normalized)) return false;
  if (['true', 'yes', 'on'].includes(normalized)) return 1;
  if (/^\d+$/.test(normalized)) {
    const hops = Number(normalized);
    if (hops > 100) throw new ConfigError('SCIMITAR_TRUST_PROXY', `at most 100 proxy hops, got ${hops}`);
    return hops;
  }
  const ranges = normalized
    .split(',')
    .map((range) => range.trim())
    .filter((range) => range !== '');
  for (const range of ranges) {
    if (!PROXY_RANGE_NAMES.includes(range) && !ipaddr.isValid(range) && !ipaddr.isValidCIDR(range)) {
      throw new ConfigError(
        'SCIMITAR_TRUST_PROXY',
        `"${range}" is neither a number of proxy hops nor an IP address or CIDR range: use e.g. 1, or 10.0.0.0/8,127.0.0.1`,
      );
    }
  }
  return ranges;
}

function sqliteSynchronousSetting(settings: RawSettings): 'full' | 'normal' {
  const raw = settings.SCIMITAR_SQLITE_SYNCHRONOUS;
  if (raw === undefined) return 'full';
  const normalized = raw.trim().toLowerCase();
  if (normalized === 'full' || normalized === 'normal') return normalized;
  throw new ConfigError('SCIMITAR_SQLITE_SYNCHRONOUS', `must be full (acknowledged writes survive a power cut) or normal (faster; a power cut may lose the last commits), got "${raw}"`);
}

/** SCIMITAR_DB_TABLE_PREFIX, checked here so a bad one stops the start with the setting's name (the store checks it again for embedding apps). */
function tablePrefixSetting(settings: RawSettings): { readonly tablePrefix?: string } {
  const raw = settings.SCIMITAR_DB_TABLE_PREFIX;
  if (raw === undefined || raw === '') return {};
  const problem = tablePrefixProblem(raw);
  if (problem !== undefined) throw new ConfigError('SCIMITAR_DB_TABLE_PREFIX', problem);
  return { tablePrefix: raw };
}

function databaseSetting(settings: RawSettings, cwd: string): DatabaseConfig {
  const raw = settings.DATABASE_URL ?? 'sqlite:./data/scimitar.db';
  if (raw.startsWith('sqlite:')) {
    // sqlite:<path> and sqlite://<path> both name a file path; relative paths resolve from the working directory.
    const filePath = raw.slice('sqlite:'.length).replace(/^\/\//, '');
    if (filePath === '') throw new ConfigError('DATABASE_URL', 'sqlite: needs a file path, e.g. sqlite:./data/scimitar.db');
    return { kind: 'sqlite', filename: path.resolve(cwd, filePath), synchronous: sqliteSynchronousSetting(settings), ...tablePrefixSetting(settings) };
  }
  const server = /^postgres(ql)?:\/\//.test(raw) ? 'postgres' : /^mysql:\/\//.test(raw) ? 'mysql' : undefined;
  if (server !== undefined) {
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      throw new ConfigError('DATABASE_URL', `is not a valid ${server}:// URL (user, password and database are percent-encoded)`);
    }
    if (server === 'mysql' && url.pathname.replace(/^\//, '') === '') {
      throw new ConfigError('DATABASE_URL', 'names no database: use mysql://user:pass@host:3306/db');
    }
    return {
      kind: server,
      url: raw,
      poolSize: integerSetting(settings, 'SCIMITAR_DB_POOL_SIZE', 10, 1, 1000),
      statementTimeoutMs: integerSetting(settings, 'SCIMITAR_DB_STATEMENT_TIMEOUT_MS', 30_000, 100, 3_600_000),
      ...(settings.SCIMITAR_DB_SCHEMA !== undefined && settings.SCIMITAR_DB_SCHEMA !== '' ? { schema: settings.SCIMITAR_DB_SCHEMA } : {}),
      ...(server === 'postgres' ? { preparedStatements: booleanSetting(settings, 'SCIMITAR_DB_PREPARED_STATEMENTS', true) } : {}),
      ...tablePrefixSetting(settings),
    };
  }
  // The URL itself is not echoed: it may hold a password.
  throw new ConfigError(
    'DATABASE_URL',
    'must start with sqlite: (e.g. sqlite:./data/scimitar.db), postgres:// (e.g. postgres://user:pass@host:5432/db) or mysql:// (e.g. mysql://user:pass@host:3306/db)',
  );
}

function publicUrlSetting(settings: RawSettings): string | undefined {
  const raw = settings.SCIMITAR_PUBLIC_URL;
  if (raw === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError('SCIMITAR_PUBLIC_URL', `must be an absolute http(s) URL, got "${raw}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ConfigError('SCIMITAR_PUBLIC_URL', `must use http or https, got "${url.protocol}"`);
  }
  if (url.search || url.hash) throw new ConfigError('SCIMITAR_PUBLIC_URL', 'must not contain a query or fragment');
  return url.toString().replace(/\/+$/, '');
}

function tokenSetting(settings: RawSettings): string | undefined {
  const token = settings.SCIMITAR_TOKEN;
  if (token === undefined) return undefined;
  // A short shared secret is guessable; 16 characters is the least we accept.
  if (token.length < 16) throw new ConfigError('SCIMITAR_TOKEN', 'must be at least 16 characters long');
  if (!/^[\x21-\x7e]+$/.test(token)) throw new ConfigError('SCIMITAR_TOKEN', 'must be printable ASCII without spaces');
  return token;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env, cwd: string = process.cwd()): ScimitarConfig {
  const settings = readSettings(env, cwd);
  const logLevel = (settings.SCIMITAR_LOG_LEVEL ?? 'info').toLowerCase();
  if (!(LOG_LEVELS as readonly string[]).includes(logLevel)) {
    throw new ConfigError('SCIMITAR_LOG_LEVEL', `must be one of ${LOG_LEVELS.join(', ')}, got "${settings.SCIMITAR_LOG_LEVEL}"`);
  }
  const maxPageSize = integerSetting(settings, 'SCIMITAR_MAX_PAGE_SIZE', 1000, 1, 100_000);
  const defaultPageSize = integerSetting(settings, 'SCIMITAR_DEFAULT_PAGE_SIZE', 100, 1, 100_000);
  if (defaultPageSize > maxPageSize) {
    throw new ConfigError('SCIMITAR_DEFAULT_PAGE_SIZE', `must not exceed SCIMITAR_MAX_PAGE_SIZE (${maxPageSize})`);
  }
  return {
    port: integerSetting(settings, 'PORT', 8080, 0, 65_535),
    host: settings.HOST ?? '0.0.0.0',
    database: databaseSetting(settings, cwd),
    token: tokenSetting(settings),
    publicUrl: publicUrlSetting(settings),
    trustProxy: trustProxySetting(settings),
    logLevel: logLevel as ScimitarConfig['logLevel'],
    logFullUrls: booleanSetting(settings, 'SCIMITAR_LOG_FULL_URLS', false),
    bodyLimit: integerSetting(settings, 'SCIMITAR_BODY_LIMIT', 1_048_576, 1024, 256 * 1_048_576),
    defaultPageSize,
    maxPageSize,
    secret: secretSetting(settings),
    rateLimit: {
      perSecond: integerSetting(settings, 'SCIMITAR_RATE_LIMIT_PER_SECOND', 200, 1, 1_000_000),
      burst: integerSetting(settings, 'SCIMITAR_RATE_LIMIT_BURST', 2000, 1, 10_000_000),
    },
    authFailures: {
      limit: integerSetting(settings, 'SCIMITAR_AUTH_FAILURE_LIMIT', 20, 1, 1_000_000),
      windowSeconds: integerSetting(settings, 'SCIMITAR_AUTH_FAILURE_WINDOW', 60, 1, 86_400),
    },
    oauth: { accessTokenLifetimeSeconds: integerSetting(settings, 'SCIMITAR_OAUTH_TOKEN_LIFETIME', 3600, 60, 86_400) },
    bulk: {
      maxOperations: integerSetting(settings, 'SCIMITAR_BULK_MAX_OPERATIONS', 10_000, 1, 100_000),
      // Larger than the global body limit: a Bulk request carries many resources at once.
      maxPayloadSize: integerSetting(settings, 'SCIMITAR_BULK_MAX_PAYLOAD_SIZE', 8 * 1_048_576, 1024, 256 * 1_048_576),
    },
    events: {
      retentionDays: integerSetting(settings, 'SCIMITAR_EVENT_RETENTION_DAYS', 7, 1, 3650),
    },
    webhooks: webhookSettings(settings),
    requestLog: {
      enabled: booleanSetting(settings, 'SCIMITAR_REQUEST_LOG', true),
      retentionDays: integerSetting(settings, 'SCIMITAR_REQUEST_LOG_RETENTION_DAYS', 30, 1, 3650),
      maxRowsPerTenant: integerSetting(settings, 'SCIMITAR_REQUEST_LOG_MAX_ROWS_PER_TENANT', 100_000, 100, 100_000_000),
      maxBodyBytes: integerSetting(settings, 'SCIMITAR_REQUEST_LOG_MAX_BODY_BYTES', 8192, 0, 1_048_576),
      redact: redactSetting(settings),
    },
    metrics: metricsSettings(settings),
  };
}

function metricsSettings(settings: RawSettings): MetricsConfig {
  const enabled = booleanSetting(settings, 'SCIMITAR_METRICS', true);
  const port = settings.SCIMITAR_METRICS_PORT === undefined ? undefined : integerSetting(settings, 'SCIMITAR_METRICS_PORT', 0, 0, 65_535);
  if (port !== undefined && !enabled) throw new ConfigError('SCIMITAR_METRICS_PORT', 'is set while SCIMITAR_METRICS is off; remove one of them');
  return {
    enabled,
    // Loopback by default: an unauthenticated listener is opened wider only on purpose.
    listen: port === undefined ? undefined : { host: settings.SCIMITAR_METRICS_HOST ?? '127.0.0.1', port },
    tenantLabelLimit: integerSetting(settings, 'SCIMITAR_METRICS_TENANT_LIMIT', 100, 0, 100_000),
  };
}

/** Comma-separated attribute names masked in the request log besides secrets (`filter` masks list filters). */
function redactSetting(settings: RawSettings): readonly string[] {
  const raw = settings.SCIMITAR_REQUEST_LOG_REDACT;
  if (raw === undefined) return [];
  const names = raw
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name !== '');
  for (const name of names) {
    if (!/^[A-Za-z][A-Za-z0-9_$-]*$/.test(name)) throw new ConfigError('SCIMITAR_REQUEST_LOG_REDACT', `"${name}" is not an attribute name: list names such as emails,phoneNumbers,name`);
  }
  return names;
}

function webhookSettings(settings: RawSettings): WebhookSettings {
  const retryBaseMs = integerSetting(settings, 'SCIMITAR_WEBHOOK_RETRY_BASE_MS', 5_000, 1, 3_600_000);
  const retryMaxMs = integerSetting(settings, 'SCIMITAR_WEBHOOK_RETRY_MAX_MS', 3_600_000, 1, 86_400_000);
  if (retryMaxMs < retryBaseMs) throw new ConfigError('SCIMITAR_WEBHOOK_RETRY_MAX_MS', `must not be below SCIMITAR_WEBHOOK_RETRY_BASE_MS (${retryBaseMs})`);
  return {
    allowPrivate: booleanSetting(settings, 'SCIMITAR_WEBHOOK_ALLOW_PRIVATE', false),
    allowedHosts: allowedHostsSetting(settings),
    allowHttp: booleanSetting(settings, 'SCIMITAR_WEBHOOK_ALLOW_HTTP', false),
    timeoutMs: integerSetting(settings, 'SCIMITAR_WEBHOOK_TIMEOUT_MS', 10_000, 100, 300_000),
    maxAttempts: integerSetting(settings, 'SCIMITAR_WEBHOOK_MAX_ATTEMPTS', 20, 1, 1000),
    maxAgeHours: integerSetting(settings, 'SCIMITAR_WEBHOOK_MAX_AGE_HOURS', 24, 1, 24 * 30),
    pollIntervalMs: integerSetting(settings, 'SCIMITAR_WEBHOOK_POLL_INTERVAL_MS', 1_000, 10, 3_600_000),
    concurrency: integerSetting(settings, 'SCIMITAR_WEBHOOK_CONCURRENCY', 8, 1, 1000),
    retryBaseMs,
    retryMaxMs,
  };
}

/** Comma-separated host names (or literal IPs), compared case-insensitively. */
function allowedHostsSetting(settings: RawSettings): readonly string[] {
  const raw = settings.SCIMITAR_WEBHOOK_ALLOWED_HOSTS;
  if (raw === undefined) return [];
  const hosts = raw
    .split(',')
    .map((host) => host.trim().toLowerCase())
    .filter((host) => host !== '');
  for (const host of hosts) {
    if (!/^[a-z0-9.:_-]+$/.test(host)) throw new ConfigError('SCIMITAR_WEBHOOK_ALLOWED_HOSTS', `"${host}" is not a host name: list names or IP addresses, comma-separated`);
  }
  return hosts;
}

function secretSetting(settings: RawSettings): string | undefined {
  const secret = settings.SCIMITAR_SECRET;
  if (secret === undefined) return undefined;
  // The key of an HMAC: anything shorter than 32 characters is too easy to guess.
  if (secret.length < 32) throw new ConfigError('SCIMITAR_SECRET', 'must be at least 32 characters long (e.g. `openssl rand -base64 48`)');
  return secret;
}
