/**
 * The satisfaction module: the applicant's rating of how a dossier was served ("đánh giá mức độ hài lòng"), once,
 * after the result is returned — signed in, or by the single-use link in the result-returned message — and
 * complaints ("phản ánh, kiến nghị") about a dossier, answered by its receiving agency within
 * COMPLAINT_ANSWER_WORKING_DAYS (Ninh Bình QĐ 163/2025 art. 19).
 * Other modules import only from here.
 */
import type { Database } from '../../platform/db/database.js';
import { formDateParts } from '../../platform/pdf/index.js';
import { translator } from '../../platform/i18n/i18n.js';
import { createCalendarService, type CalendarService } from '../calendar/index.js';
import { applicantMessages, type NotificationService } from '../notifications/index.js';
import { RatingTokens } from './rating-token.js';
import { SatisfactionRepository } from './satisfaction.repository.js';
import type { Transaction } from 'kysely';
import type { Database as Schema } from '../../platform/db/schema.js';
import { SatisfactionService, type SatisfactionPorts } from './satisfaction.service.js';

export { SatisfactionService, RATING_CRITERIA, COMPLAINT_CATEGORIES, COMPLAINT_ANSWER_WORKING_DAYS, RATING_LINK_DAYS } from './satisfaction.service.js';
export type { ComplaintInput, ComplaintView, RatingInput, SatisfactionPorts, SatisfactionSummary } from './satisfaction.service.js';
export { SatisfactionErrors } from './satisfaction.errors.js';
export { RatingTokens } from './rating-token.js';
export { SatisfactionPanel, satisfactionPaths, satisfactionSection } from './satisfaction.pages.js';
export { satisfactionRoutes, type SatisfactionRouteDeps } from './satisfaction.routes.js';
export type { SatisfactionTables } from './satisfaction.tables.js';

export interface SatisfactionServiceOptions {
  /** The outbox the applicant's messages go to (in the change's transaction). */
  notifications: NotificationService;
  /** Signs the rating links (a key is derived from it). */
  secret: string;
  /** The portal's public address (the link in the message). */
  baseUrl: string;
  /** The indicators' monthly counts (reports module), kept in step in the change's transaction. */
  indicators?: SatisfactionPorts['indicators'];
  calendar?: CalendarService;
  clock?: () => Date;
}

/** The satisfaction service with its real ports: calendar, outbox (e-mail and SMS as given on the dossier), links. */
export function createSatisfactionService(database: Database, options: SatisfactionServiceOptions): SatisfactionService {
  const calendar = options.calendar ?? createCalendarService(database);
  const vi = translator('vi');
  return new SatisfactionService(new SatisfactionRepository(database.db), {
    calendar: (hours) => calendar.calendar(hours),
    async notify(trx, message) {
      const { applicant, template, params, dossierId } = message;
      await options.notifications.enqueueMany(trx, applicantMessages(applicant, { template, params, dossierId }));
    },
    formatMoment: (at) => vi('workflow.dateTime', { ...formDateParts(at) }),
    tokens: new RatingTokens(options.secret),
    baseUrl: options.baseUrl,
    ...(options.indicators ? { indicators: options.indicators } : {}),
    ...(options.clock ? { clock: options.clock } : {}),
  });
}

/**
 * What the workflow engine appends to the result-returned message, in its transaction: a sentence with the dossier's
 * new single-use rating link (Vietnamese, the language of the applicant's messages).
 */
export function ratingInvitation(service: SatisfactionService): (trx: Transaction<Schema>, dossierId: number) => Promise<string> {
  const vi = translator('vi');
  return async (trx, dossierId) => vi('satisfaction.message.invitation', { url: await service.invite(trx, dossierId) });
}
