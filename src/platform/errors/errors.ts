/**
 * Typed domain errors with stable codes. Services throw these; they know nothing of HTTP.
 * The one mapping to HTTP lives in platform/http (see `httpStatusOf`), and docs/errors.md lists every code
 * (a test keeps the two in step). The code is shown to the user so a help desk can quote it.
 */
export type ErrorKind =
  | 'invalid' // the request is malformed or fails validation
  | 'not_found'
  | 'conflict' // a concurrent change or a state that does not allow the action
  | 'unauthenticated'
  | 'forbidden'
  | 'rate_limited'
  | 'unavailable' // a dependency (database, provider) is down
  | 'internal';

export interface ErrorDefinition {
  code: string;
  kind: ErrorKind;
  /** Message-catalogue key of the text shown to the user. */
  messageKey: string;
  /** One line for docs/errors.md. */
  doc: string;
}

const registry = new Map<string, ErrorDefinition>();

/** Registers an error code once; codes are stable and never reused for another meaning. */
export function defineError(code: string, kind: ErrorKind, doc: string, messageKey = `error.${code}`): ErrorDefinition {
  if (!/^[A-Z][A-Z0-9_]+$/.test(code)) throw new Error(`bad error code ${code}`);
  const existing = registry.get(code);
  if (existing) return existing;
  const def = { code, kind, messageKey, doc };
  registry.set(code, def);
  return def;
}

export function registeredErrors(): ErrorDefinition[] {
  return [...registry.values()].sort((a, b) => a.code.localeCompare(b.code));
}

export interface FieldProblem {
  /** Form field or JSON path the problem belongs to. */
  field: string;
  /** Message-catalogue key describing the problem. */
  messageKey: string;
  params?: Record<string, string | number>;
}

export class DomainError extends Error {
  readonly code: string;
  readonly kind: ErrorKind;
  readonly messageKey: string;
  constructor(
    readonly definition: ErrorDefinition,
    readonly details: { params?: Record<string, string | number>; fields?: FieldProblem[]; cause?: unknown } = {},
  ) {
    super(definition.code, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = 'DomainError';
    this.code = definition.code;
    this.kind = definition.kind;
    this.messageKey = definition.messageKey;
  }
}

// Platform-wide errors; modules define their own in `<module>.errors.ts`.
export const CommonErrors = {
  validation: defineError('VALIDATION_FAILED', 'invalid', 'Some fields are missing or invalid; each field says why.'),
  notFound: defineError('NOT_FOUND', 'not_found', 'The page or resource does not exist.'),
  rateLimited: defineError('RATE_LIMITED', 'rate_limited', 'Too many requests from this address; wait a minute.'),
  unavailable: defineError('SERVICE_UNAVAILABLE', 'unavailable', 'A dependency (usually the database) is not reachable.'),
  internal: defineError('INTERNAL_ERROR', 'internal', 'An unexpected failure; the request id in the log identifies it.'),
  csrf: defineError('CSRF_TOKEN_INVALID', 'forbidden', 'The form was stale or not sent from this site; reload and retry.'),
};
