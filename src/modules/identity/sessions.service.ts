import { DomainError } from '../../platform/errors/errors.js';
import type { SessionUser } from '../../platform/http/auth.js';
import { IdentityErrors } from './identity.errors.js';
import type { SessionListItem, SessionRepository } from './session.repository.js';

const idHashPattern = /^[0-9a-f]{64}$/;

/** "My sessions": a signed-in user sees and ends their own sessions, never anyone else's. */
export class SessionsService {
  constructor(
    private readonly sessions: SessionRepository,
    private readonly now: () => Date = () => new Date(),
  ) {}

  list(user: SessionUser): Promise<SessionListItem[]> {
    return this.sessions.listForUser(user.id, this.now());
  }

  /** Ends one of the user's sessions (named by its stored hash); not found when it is not theirs. */
  async end(user: SessionUser, idHash: string): Promise<void> {
    if (!idHashPattern.test(idHash) || !(await this.sessions.deleteOfUser(user.id, idHash))) {
      throw new DomainError(IdentityErrors.sessionNotFound);
    }
  }

  /** Ends every session of the user but `keepIdHash` (this browser's); returns how many. */
  endOthers(user: SessionUser, keepIdHash: string | null): Promise<number> {
    return this.sessions.deleteOthersOfUser(user.id, keepIdHash);
  }
}
