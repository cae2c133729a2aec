import type { FastifyRequest } from 'fastify';
import { DomainError, defineError } from '../errors/errors.js';

/**
 * Who is making the request, as the session resolved it. Set on every request by the session plugin
 * (identity module); null for anonymous visitors. Services receive an `Actor`, never the request.
 */
export interface SessionUser {
  id: number;
  kind: 'citizen' | 'officer';
  displayName: string;
  agencyId: number | null;
  roles: string[];
}

export const AuthErrors = {
  unauthenticated: defineError('AUTH_REQUIRED', 'unauthenticated', 'The page needs a signed-in user; sign in and try again.'),
  forbidden: defineError('ACCESS_DENIED', 'forbidden', 'The signed-in user is not allowed to do this.'),
};

declare module 'fastify' {
  interface FastifyRequest {
    /** The signed-in user, or null. */
    user: SessionUser | null;
    /** The CSRF token to embed in forms rendered for this request (hidden field `_csrf`). */
    csrfToken: string;
  }
}

/** The signed-in user, or an AUTH_REQUIRED error (pages turn it into a redirect to the sign-in page). */
export function requireUser(request: FastifyRequest, kind?: SessionUser['kind']): SessionUser {
  const user = request.user;
  if (!user) throw new DomainError(AuthErrors.unauthenticated);
  if (kind && user.kind !== kind) throw new DomainError(AuthErrors.forbidden);
  return user;
}
