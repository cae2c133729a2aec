import { pino, type Logger, type LoggerOptions } from 'pino';

export type { Logger };

/**
 * Paths whose values are personal data or secrets (Decree 13/2023/NĐ-CP): they never reach the log.
 * pino's redaction works on known paths, so modules log personal data only under these names.
 */
export const redactedPaths = [
  'password',
  '*.password',
  'personalId',
  '*.personalId',
  'phone',
  '*.phone',
  'email',
  '*.email',
  'fullName',
  '*.fullName',
  'address',
  '*.address',
  'birthDate',
  '*.birthDate',
  // Issue #8: message addresses (phones), inbound senders, the profile's column name and e-form answers.
  'recipient',
  '*.recipient',
  'sender',
  '*.sender',
  'personal_id',
  '*.personal_id',
  'values',
  '*.values',
  'token',
  '*.token',
  'req.headers.cookie',
  'req.headers.authorization',
  'res.headers["set-cookie"]',
];

export function loggerOptions(level: string): LoggerOptions {
  return {
    level,
    base: { service: 'motcua' },
    redact: { paths: redactedPaths, censor: '[redacted]' },
    serializers: {
      // Query strings may carry a lookup code or a search for a person's name: log the path only.
      req: (req: { id?: string; method?: string; url?: string }) => ({
        id: req.id,
        method: req.method,
        path: typeof req.url === 'string' ? req.url.split('?')[0] : undefined,
      }),
    },
  };
}

export function createLogger(level: string): Logger {
  return pino(loggerOptions(level));
}

const levels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace'] as const;
type Level = (typeof levels)[number];

/**
 * A request's logger that makes its pino child (with the request id bound) only when something is logged at an
 * enabled level. Fastify makes a child per request; with redaction configured, pino serialises the child's
 * bindings on creation — about 4 % of a cached lookup's CPU, for a child most requests never write to when request
 * logging is off. Writes and `child()` go to the real child, made once.
 */
export class LazyChildLogger {
  #child: Logger | null = null;
  constructor(
    private readonly parent: Logger,
    private readonly childBindings: Record<string, unknown>,
    private readonly options: Record<string, unknown>,
  ) {}

  private real(): Logger {
    return (this.#child ??= this.parent.child(this.childBindings, this.options));
  }

  get level(): string {
    return this.#child?.level ?? this.parent.level;
  }
  set level(level: string) {
    this.real().level = level;
  }
  isLevelEnabled(level: string): boolean {
    return this.#child ? this.#child.isLevelEnabled(level) : this.parent.isLevelEnabled(level);
  }
  bindings(): Record<string, unknown> {
    return this.real().bindings();
  }
  child(bindings: Record<string, unknown>, options?: Record<string, unknown>): Logger {
    return this.real().child(bindings, options);
  }
  silent(): void {}
  declare fatal: LogMethod;
  declare error: LogMethod;
  declare warn: LogMethod;
  declare info: LogMethod;
  declare debug: LogMethod;
  declare trace: LogMethod;

  /** Writes at `level` through the real child, made on the first write that the level lets through. */
  write(level: Level, args: unknown[]): void {
    if (!this.isLevelEnabled(level)) return;
    (this.real()[level] as LogMethod)(...args);
  }
}

type LogMethod = (...args: unknown[]) => void;

// One method per level on the prototype (not per instance: a logger is made for every request).
for (const level of levels) {
  Object.defineProperty(LazyChildLogger.prototype, level, {
    value(this: LazyChildLogger, ...args: unknown[]) {
      this.write(level, args);
    },
    writable: true,
    configurable: true,
  });
}
