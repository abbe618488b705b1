// Reads the environment once into one typed, validated Config; a bad value stops start-up naming the variable.
export interface Config {
  nodeEnv: 'development' | 'production' | 'test';
  host: string;
  port: number;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** External PostgreSQL; when undefined the server boots an embedded one under dataDir. */
  databaseUrl: string | undefined;
  dataDir: string;
  embeddedPgPort: number;
  dbPoolMax: number;
  /** Distinct statement texts sent as prepared statements (0: none; PgBouncer in transaction mode before 1.21). */
  dbPreparedStatements: number;
  migrateOnStart: boolean;
  jwt: {
    secret: string | undefined;
    publicKey: string | undefined;
    issuer: string | undefined;
    audience: string | undefined;
  };
  /** Hard timeout for finishing in-flight requests on SIGTERM/SIGINT. */
  shutdownTimeoutMs: number;
  graphql: {
    maxDepth: number;
    maxCost: number;
  };
  http: {
    /** Requests per principal (or IP, before authentication) per window. */
    rateLimitMax: number;
    rateLimitWindowMs: number;
    /** Answer 503 with Retry-After while the event loop lags more than this. */
    maxEventLoopDelayMs: number;
    /** Origins allowed by CORS; empty = no CORS headers. */
    corsOrigins: string[];
  };
  webhooks: {
    /** Run the delivery worker in this process. */
    workerEnabled: boolean;
    pollIntervalMs: number;
    /** Events delivered per webhook per turn, in order. */
    batchSize: number;
    /** Webhooks served at once by one worker. */
    concurrency: number;
    timeoutMs: number;
    /** First retry delay; doubles per failure, with jitter, up to retryMaxDelayMs. */
    retryBaseMs: number;
    retryMaxDelayMs: number;
    /** Consecutive failures after which a webhook is paused. */
    pauseAfterFailures: number;
    /** Deliver to loopback and private addresses too (never in production unless set explicitly). */
    allowPrivateTargets: boolean;
  };
  reports: {
    /** Report cells covering fewer distinct students are withheld: for staff tokens, and for integration tokens. */
    minCellSizeStaff: number;
    minCellSizeIntegration: number;
    /** How often the district week rows are brought up to date with the weeks writes marked (0: never, reads still do). */
    upkeepIntervalMs: number;
  };
  /** How live-update events travel: in-process (one instance) or PostgreSQL LISTEN/NOTIFY (several instances). */
  eventBus: 'memory' | 'postgres';
  roster: {
    /** A bulk sync that would deactivate more than this share of active students or staff is rejected. */
    massDeactivationThreshold: number;
  };
}

export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    reason: string,
  ) {
    super(`${variable} ${reason}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
const NODE_ENVS = ['development', 'production', 'test'] as const;

function readString(env: Env, name: string): string | undefined {
  const value = env[name];
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

function readInt(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = readString(env, name);
  if (raw === undefined) return fallback;
  if (!/^-?\d+$/.test(raw)) throw new ConfigError(name, `must be a whole number (got "${raw}")`);
  const value = Number(raw);
  if (value < min || value > max) throw new ConfigError(name, `must be between ${min} and ${max} (got ${value})`);
  return value;
}

function readNumber(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = readString(env, name);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < min || value > max) {
    throw new ConfigError(name, `must be a number between ${min} and ${max} (got "${raw}")`);
  }
  return value;
}

function readBool(env: Env, name: string, fallback: boolean): boolean {
  const raw = readString(env, name);
  if (raw === undefined) return fallback;
  if (['true', '1', 'yes'].includes(raw.toLowerCase())) return true;
  if (['false', '0', 'no'].includes(raw.toLowerCase())) return false;
  throw new ConfigError(name, `must be true or false (got "${raw}")`);
}

function readEnum<T extends string>(env: Env, name: string, allowed: readonly T[], fallback: T): T {
  const raw = readString(env, name);
  if (raw === undefined) return fallback;
  if (!(allowed as readonly string[]).includes(raw)) {
    throw new ConfigError(name, `must be one of ${allowed.join(', ')} (got "${raw}")`);
  }
  return raw as T;
}

function readDatabaseUrl(env: Env): string | undefined {
  const raw = readString(env, 'DATABASE_URL');
  if (raw === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError('DATABASE_URL', 'must be a postgres:// URL');
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') {
    throw new ConfigError('DATABASE_URL', `must use the postgres:// scheme (got "${url.protocol}")`);
  }
  return raw;
}

function readOrigins(env: Env, name: string): string[] {
  const raw = readString(env, name);
  if (raw === undefined) return [];
  const origins = raw.split(',').map((o) => o.trim()).filter((o) => o.length > 0);
  for (const origin of origins) {
    let url: URL | undefined;
    try {
      url = new URL(origin);
    } catch {
      url = undefined;
    }
    if (!url || url.origin !== origin) throw new ConfigError(name, `must be a comma-separated list of origins like https://app.example.org (got "${origin}")`);
  }
  return origins;
}

/** Builds the Config from an environment (process.env by default). Throws ConfigError on the first bad value. */
export function loadConfig(env: Env = process.env): Config {
  const nodeEnv = readEnum(env, 'NODE_ENV', NODE_ENVS, 'development');
  const secret = readString(env, 'JWT_SECRET');
  if (secret !== undefined && secret.length < 32) {
    throw new ConfigError('JWT_SECRET', 'must be at least 32 characters');
  }
  const publicKey = readString(env, 'JWT_PUBLIC_KEY')?.replace(/\\n/g, '\n');
  if (publicKey !== undefined && !publicKey.includes('-----BEGIN')) {
    throw new ConfigError('JWT_PUBLIC_KEY', 'must be a PEM-encoded public key');
  }
  if (nodeEnv === 'production' && secret === undefined && publicKey === undefined) {
    throw new ConfigError('JWT_SECRET', 'or JWT_PUBLIC_KEY must be set when NODE_ENV=production');
  }
  return {
    nodeEnv,
    host: readString(env, 'HOST') ?? '127.0.0.1',
    port: readInt(env, 'PORT', 3000, 0, 65535),
    logLevel: readEnum(env, 'LOG_LEVEL', LOG_LEVELS, nodeEnv === 'test' ? 'silent' : 'info'),
    databaseUrl: readDatabaseUrl(env),
    dataDir: readString(env, 'DATA_DIR') ?? './.data',
    embeddedPgPort: readInt(env, 'EMBEDDED_PG_PORT', 54329, 1, 65535),
    dbPoolMax: readInt(env, 'DB_POOL_MAX', 10, 1, 500),
    dbPreparedStatements: readInt(env, 'DB_PREPARED_STATEMENTS', 100, 0, 10_000),
    migrateOnStart: readBool(env, 'MIGRATE_ON_START', true),
    jwt: {
      secret,
      publicKey,
      issuer: readString(env, 'JWT_ISSUER'),
      audience: readString(env, 'JWT_AUDIENCE'),
    },
    shutdownTimeoutMs: readInt(env, 'SHUTDOWN_TIMEOUT_MS', 10_000, 0, 600_000),
    graphql: {
      maxDepth: readInt(env, 'GRAPHQL_MAX_DEPTH', 10, 2, 100),
      maxCost: readInt(env, 'GRAPHQL_MAX_COST', 20_000, 10, 10_000_000),
    },
    http: {
      rateLimitMax: readInt(env, 'RATE_LIMIT_MAX', 1200, 1, 10_000_000),
      rateLimitWindowMs: readInt(env, 'RATE_LIMIT_WINDOW_MS', 60_000, 1_000, 86_400_000),
      maxEventLoopDelayMs: readInt(env, 'MAX_EVENT_LOOP_DELAY_MS', 1_000, 0, 60_000),
      corsOrigins: readOrigins(env, 'CORS_ORIGINS'),
    },
    webhooks: {
      workerEnabled: readBool(env, 'WEBHOOK_WORKER_ENABLED', true),
      pollIntervalMs: readInt(env, 'WEBHOOK_POLL_INTERVAL_MS', 1_000, 10, 3_600_000),
      batchSize: readInt(env, 'WEBHOOK_BATCH_SIZE', 100, 1, 10_000),
      concurrency: readInt(env, 'WEBHOOK_CONCURRENCY', 8, 1, 256),
      timeoutMs: readInt(env, 'WEBHOOK_TIMEOUT_MS', 10_000, 100, 300_000),
      retryBaseMs: readInt(env, 'WEBHOOK_RETRY_BASE_MS', 30_000, 10, 86_400_000),
      retryMaxDelayMs: readInt(env, 'WEBHOOK_RETRY_MAX_DELAY_MS', 6 * 3_600_000, 10, 7 * 86_400_000),
      pauseAfterFailures: readInt(env, 'WEBHOOK_PAUSE_AFTER_FAILURES', 20, 1, 10_000),
      allowPrivateTargets: readBool(env, 'WEBHOOK_ALLOW_PRIVATE_TARGETS', nodeEnv !== 'production'),
    },
    reports: {
      minCellSizeStaff: readInt(env, 'REPORTS_MIN_CELL_SIZE_STAFF', 0, 0, 1000),
      minCellSizeIntegration: readInt(env, 'REPORTS_MIN_CELL_SIZE_INTEGRATION', 10, 0, 1000),
      upkeepIntervalMs: readInt(env, 'REPORTS_UPKEEP_INTERVAL_MS', 300_000, 0, 86_400_000),
    },
    eventBus: readEnum(env, 'EVENT_BUS', ['memory', 'postgres'] as const, 'memory'),
    roster: {
      massDeactivationThreshold: readNumber(env, 'ROSTER_MASS_DEACTIVATION_THRESHOLD', 0.1, 0, 1),
    },
  };
}

/** The URL with its password replaced, for logs. */
export function redactDatabaseUrl(raw: string): string {
  try {
    const url = new URL(raw);
    if (url.password) url.password = '***';
    return url.toString();
  } catch {
    return '<unparseable DATABASE_URL>';
  }
}
