import type { Database } from '../../platform/db/database.js';
import type { FormsService } from '../forms/index.js';
import { applicantMessages, type NotificationService } from '../notifications/index.js';
import { DossierRepository } from './dossier.repository.js';
import { lookupSecret } from './dossier-code.js';
import { SubmissionService, type SubmissionPorts } from './submission.service.js';
import { DeskEntryRepository } from './desk-entry.repository.js';
import { DeskEntryService } from './desk-entry.js';
import { nextDossierCode } from './dossier-code.js';

export { SubmissionService } from './submission.service.js';
export type { DossierMessage, DraftView, FormBundle, SubmitOutcome, SubmissionPorts, WithdrawalClosure } from './submission.service.js';
export { DossierRepository } from './dossier.repository.js';
export { dossierRoutes } from './dossiers.routes.js';
export { StatusTag } from './dossiers.pages.js';
export { purgeExpiredDrafts } from './drafts.purge.js';
export { dossierPersonalData } from './personal-data.js';
export { SubmissionErrors } from './submission.errors.js';
export { UploadErrors, DossierCodeErrors } from './dossiers.errors.js';
export { dossierChanged, onLocalDossierChange, DOSSIER_CHANGED_CHANNEL } from './dossier-changes.js';
export { nextDossierCode, parseDossierCode, lookupSecret, lookupSecretMatches } from './dossier-code.js';
export { inspectUpload } from './attachments.js';
export { readFormPost, type ReceivedFile } from './multipart.js';
export { DeskEntryService, DeskEntryErrors, paperChannels, type DeskEntryDraft, type DeskEntryUpload, type PaperChannel } from './desk-entry.js';

/**
 * Walk-in and postal dossiers entered at the desk (desk-entry.ts): the forms module's bundles, the same dossier-code
 * counter and lookup secrets as online submission.
 */
export function createDeskEntryService(database: Database, deps: { forms: FormsService; draftLifetimeDays: number; clock?: () => Date }): DeskEntryService {
  return new DeskEntryService(new DeskEntryRepository(database.db, database.cipher), {
    forms: { bundleFor: (code, versionId) => deps.forms.bundleFor(code, versionId), lookupsFor: (definition, values) => deps.forms.lookupsFor(definition, values) },
    codes: { next: (trx, agencyCode, at) => nextDossierCode(trx, agencyCode, at), secret: () => lookupSecret() },
    draftLifetimeDays: deps.draftLifetimeDays,
    ...(deps.clock ? { clock: deps.clock } : {}),
  });
}
export { renderReceiptSlip, receiptSlipLookupUrl, type ReceiptSlipData } from './receipt-slip.js';
export { sealApplicant, sealValues, sealPlainValues } from './personal-fields.js';
export type { DossierStatus, DossierChannel, ResultDelivery } from './dossiers.tables.js';

/**
 * The submission service with its real ports: the forms module's bundles, the slip's lookup secret and the
 * notification outbox. One per process: its submissions are written in batches (group commit, submission.service.ts).
 */
export function createSubmissionService(
  database: Database,
  deps: {
    forms: FormsService;
    notifications: NotificationService;
    draftLifetimeDays: number;
    afterSupplementAnswered?: SubmissionPorts['afterSupplementAnswered'];
    /** The back office closes a withdrawn dossier's open tasks (workflow engine), in the withdrawal's transaction. */
    onWithdrawn?: SubmissionPorts['onWithdrawn'];
    clock?: () => Date;
  },
): SubmissionService {
  return new SubmissionService(new DossierRepository(database.db, database.cipher), {
    forms: { bundleFor: (code, versionId, stamp) => deps.forms.bundleFor(code, versionId, stamp) },
    codes: { secret: () => lookupSecret() },
    async notify(trx, events) {
      // Both channels each applicant gave, all in one statement; the delivery worker (notifications issue) sends them.
      await deps.notifications.enqueueMany(trx, events.flatMap((e) => applicantMessages(e.applicant, { template: e.template, params: e.params, dossierId: e.dossierId })));
    },
    draftLifetimeDays: deps.draftLifetimeDays,
    ...(deps.afterSupplementAnswered ? { afterSupplementAnswered: deps.afterSupplementAnswered } : {}),
    ...(deps.onWithdrawn ? { onWithdrawn: deps.onWithdrawn } : {}),
    ...(deps.clock ? { clock: deps.clock } : {}),
  });
}
