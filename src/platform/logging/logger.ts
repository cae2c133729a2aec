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
