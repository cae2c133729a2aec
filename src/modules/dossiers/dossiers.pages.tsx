import type { VNode } from 'preact';
import type { ViewContext } from '../../platform/http/context.js';
import { formatDateTime } from '../../platform/views/format.js';
import { CsrfField, ErrorSummary, Page, SummaryList, Tag, type FieldError } from '../../platform/views/layout.js';
import type { DossierStatus } from './dossiers.tables.js';
import type { SubmissionService } from './submission.service.js';

type DossierDetail = Awaited<ReturnType<SubmissionService['dossier']>>;
type DossierListItem = Awaited<ReturnType<SubmissionService['myDossiers']>>[number];
type DraftListItem = Awaited<ReturnType<SubmissionService['openDrafts']>>[number];

/** Forms 02 (supplement request), 03 (refusal), 04 (apology) and 05 (stop) the dossier's history shows were issued. */
function applicantForms(events: readonly { action: string; to_status: string | null }[]): string[] {
  const forms: string[] = [];
  if (events.some((e) => e.action === 'supplement_requested')) forms.push('02');
  if (events.some((e) => e.to_status === 'refused')) forms.push('03');
  if (events.some((e) => e.action.startsWith('apology'))) forms.push('04');
  if (events.some((e) => e.to_status === 'stopped')) forms.push('05');
  return forms;
}

const toneOf: Record<DossierStatus, 'grey' | 'green' | 'blue' | 'orange'> = {
  awaiting_reception: 'blue',
  received: 'blue',
  processing: 'blue',
  awaiting_supplement: 'orange',
  awaiting_payment: 'orange',
  refused: 'grey',
  withdrawn: 'grey',
  stopped: 'grey',
  result_ready: 'green',
  result_returned: 'green',
};

export function StatusTag({ ctx, status }: { ctx: ViewContext; status: DossierStatus }) {
  return <Tag tone={toneOf[status]}>{ctx.t(`dossiers.status.${status}`)}</Tag>;
}

export function MyDossiersPage({ ctx, dossiers, drafts }: { ctx: ViewContext; dossiers: DossierListItem[]; drafts: DraftListItem[] }) {
  const { t } = ctx;
  return (
    <Page ctx={ctx} title={t('dossiers.mine.title')} crumbs={[{ href: '/', label: t('nav.home') }, { label: t('dossiers.mine.title') }]}>
      <h1>{t('dossiers.mine.title')}</h1>
      {drafts.length > 0 ? (
        <>
          <h2>{t('dossiers.mine.drafts')}</h2>
          <ul class="results">
            {drafts.map((d) => (
              <li key={d.id}>
                <h3>
                  <a href={`/ho-so-nhap/${d.id}`}>{d.procedure_name}</a>
                </h3>
                <p class="meta">{t('dossiers.mine.draftLine', { saved: formatDateTime(ctx, d.updated_at), expires: formatDateTime(ctx, d.expires_at) })}</p>
              </li>
            ))}
          </ul>
        </>
      ) : null}
      <h2>{t('dossiers.mine.submitted')}</h2>
      {dossiers.length === 0 ? (
        <p>
          {t('dossiers.mine.none')} <a href="/thu-tuc?online=any">{t('dossiers.mine.findOnline')}</a>
        </p>
      ) : (
        <div class="table-wrap">
          <table>
            <caption class="visually-hidden">{t('dossiers.mine.submitted')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('dossiers.field.code')}</th>
                <th scope="col">{t('dossiers.field.procedure')}</th>
                <th scope="col">{t('dossiers.field.status')}</th>
                <th scope="col">{t('dossiers.field.submittedAt')}</th>
                <th scope="col">{t('dossiers.field.dueAt')}</th>
              </tr>
            </thead>
            <tbody>
              {dossiers.map((d) => (
                <tr key={d.code}>
                  <td>
                    <a href={`/ho-so/${d.code}`}>{d.code}</a>
                  </td>
                  <td>{d.procedure.name}</td>
                  <td>
                    <StatusTag ctx={ctx} status={d.status} />
                  </td>
                  <td>{formatDateTime(ctx, d.submittedAt)}</td>
                  <td>{d.dueAt ? formatDateTime(ctx, d.dueAt) : t('dossiers.dueAwaiting')}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Page>
  );
}

export function DossierPage({ ctx, d, justSubmitted, errors, sections }: { ctx: ViewContext; d: DossierDetail; justSubmitted: boolean; errors?: FieldError[]; sections?: VNode[] }) {
  const { t } = ctx;
  return (
    <Page ctx={ctx} title={t('dossiers.detail.title', { code: d.code })} crumbs={[{ href: '/', label: t('nav.home') }, { href: '/ho-so', label: t('dossiers.mine.title') }, { label: d.code }]}>
      <ErrorSummary ctx={ctx} errors={errors ?? []} />
      {justSubmitted ? (
        <div class="panel panel-highlight" role="status">
          <h2>{t('dossiers.detail.submittedHeading')}</h2>
          <p class="lead">{t('dossiers.detail.submittedLead', { code: d.code })}</p>
          <p>{t('dossiers.detail.submittedNext')}</p>
        </div>
      ) : null}
      <span class="muted">{t('dossiers.field.code')}</span>
      <h1>{d.code}</h1>
      <p>
        <StatusTag ctx={ctx} status={d.status} />
      </p>
      <p>{t(`dossiers.statusHelp.${d.status}`)}</p>
      <div class="actions">
        <a class="button" href={`/ho-so/${d.code}/giay-tiep-nhan.pdf`} download>
          {t('dossiers.detail.downloadSlip')}
        </a>
        <a href={`/tra-cuu/${d.code}?s=${encodeURIComponent(d.lookupSecret)}`}>{t('dossiers.detail.publicLookup')}</a>
      </div>
      {d.status === 'result_ready' || d.status === 'result_returned' ? (
        <p>
          {/* Signatures module: the signed result (newest), also kept in the citizen's vault. */}
          <a href={`/ho-so/${d.code}/ket-qua`}>{t('signatures.applicant.download')}</a> · <a href="/kho-du-lieu">{t('vault.title')}</a>
        </p>
      ) : null}
      <p>
        {/* Payments module: the fee statement, paying online, the e-receipt. */}
        <a href={`/ho-so/${d.code}/thanh-toan`}>{t('payments.dossierLink')}</a>
      </p>
      {/* The agency's standard documents of this dossier (forms 02, 03, 05; workflow module, /ho-so/:code/phieu/:form). */}
      {applicantForms(d.events).length > 0 ? (
        <ul aria-label={t('workflow.slips.link.heading')}>
          {applicantForms(d.events).map((form) => (
            <li key={form}>
              <a href={`/ho-so/${encodeURIComponent(d.code)}/phieu/${form}`} download>
                {t(`workflow.slips.link.${form}`)}
              </a>
            </li>
          ))}
        </ul>
      ) : null}

      {d.supplement ? (
        <section class="panel" aria-labelledby="supplement">
          <h2 id="supplement">{t('dossiers.supplement.heading')}</h2>
          <p>{t('dossiers.supplement.requestedAt', { at: formatDateTime(ctx, d.supplement.requestedAt) })}</p>
          <ul>
            {d.supplement.items.map((item, i) => (
              <li key={i}>
                <strong>{item.name}</strong>
                {item.reason ? ` – ${item.reason}` : ''}
              </li>
            ))}
          </ul>
          {d.supplement.note ? <p class="pre-text">{d.supplement.note}</p> : null}
          <form method="post" action={`/ho-so/${d.code}/bo-sung?_csrf=${encodeURIComponent(ctx.csrfToken)}`} enctype="multipart/form-data">
            <div class="form-group">
              <label for="supplement-files">{t('dossiers.supplement.files')}</label>
              <span class="hint" id="supplement-files-hint">
                {t('dossiers.supplement.filesHint')}
              </span>
              <input type="file" id="supplement-files" name="files" multiple accept="application/pdf,image/jpeg,image/png" aria-describedby="supplement-files-hint" />
            </div>
            <div class="form-group">
              <label for="supplement-note">{t('dossiers.supplement.note')}</label>
              <textarea id="supplement-note" name="note" rows={3} maxLength={4000}></textarea>
            </div>
            <button type="submit" class="button">
              {t('dossiers.supplement.submit')}
            </button>
          </form>
        </section>
      ) : null}

      <h2>{t('dossiers.detail.summary')}</h2>
      <SummaryList
        rows={[
          { key: t('dossiers.field.procedure'), value: <a href={`/thu-tuc/${d.procedure.code}`}>{d.procedure.name}</a> },
          { key: t('dossiers.field.applicant'), value: d.applicant.fullName },
          { key: t('dossiers.field.receivingAgency'), value: d.receivingAgency.name },
          { key: t('dossiers.field.holderAgency'), value: d.holderAgency },
          { key: t('dossiers.field.channel'), value: t(`dossiers.channel.${d.channel}`) },
          { key: t('dossiers.field.delivery'), value: t(`dossiers.delivery.${d.resultDelivery}`) },
          { key: t('dossiers.field.submittedAt'), value: formatDateTime(ctx, d.submittedAt) },
          { key: t('dossiers.field.receivedAt'), value: d.receivedAt ? formatDateTime(ctx, d.receivedAt) : t('dossiers.notYet') },
          { key: t('dossiers.field.dueAt'), value: d.dueAt ? formatDateTime(ctx, d.dueAt) : t('dossiers.dueAwaiting') },
        ]}
      />

      {/* Other modules' sections (satisfaction: rating and complaints). */}
      {sections ?? null}

      <h2>{t('dossiers.detail.documents')}</h2>
      {d.documents.length === 0 ? (
        <p>{t('dossiers.detail.noDocuments')}</p>
      ) : (
        <ul>
          {d.documents.map((doc) => (
            <li key={doc.id}>
              <a href={`/ho-so/${d.code}/tai-lieu/${doc.id}`}>{doc.fileName}</a>{' '}
              <span class="muted">
                ({doc.requirementName ? `${doc.requirementName}; ` : ''}
                {doc.pages ? t('dossiers.detail.pages', { n: doc.pages }) : doc.mime})
              </span>
            </li>
          ))}
        </ul>
      )}

      <h2>{t('dossiers.detail.timeline')}</h2>
      <ol class="timeline">
        {d.events.map((e) => (
          <li key={e.id}>
            <strong>{t(`dossiers.action.${e.action}`)}</strong> <span class="muted">{formatDateTime(ctx, e.at)}</span>
            {e.to_agency ? <span> – {e.to_agency}</span> : null}
            {e.reason ? <div class="pre-text">{e.reason}</div> : null}
          </li>
        ))}
      </ol>

      {d.messages.length > 0 ? (
        <>
          <h2>{t('dossiers.detail.messages')}</h2>
          <ul class="plain-list">
            {d.messages.map((m, i) => (
              <li key={i} class="panel">
                <span class="muted">
                  {t(`dossiers.author.${m.authorKind}`)} · {formatDateTime(ctx, m.at)}
                </span>
                <div class="pre-text">{m.body}</div>
              </li>
            ))}
          </ul>
        </>
      ) : null}

      {d.canWithdraw ? (
        <p>
          <a href={`/ho-so/${d.code}/rut`}>{t('dossiers.withdraw.link')}</a>
        </p>
      ) : null}
    </Page>
  );
}

export function WithdrawPage({ ctx, code, procedure }: { ctx: ViewContext; code: string; procedure: string }) {
  const { t } = ctx;
  return (
    <Page ctx={ctx} title={t('dossiers.withdraw.title')} crumbs={[{ href: '/ho-so', label: t('dossiers.mine.title') }, { href: `/ho-so/${code}`, label: code }, { label: t('dossiers.withdraw.title') }]}>
      <div class="two-thirds">
        <h1>{t('dossiers.withdraw.title')}</h1>
        <p class="lead">{t('dossiers.withdraw.lead', { code, procedure })}</p>
        <form method="post" action={`/ho-so/${code}/rut`}>
          <CsrfField ctx={ctx} />
          <div class="form-group">
            <label for="reason">{t('dossiers.withdraw.reason')}</label>
            <span class="hint" id="reason-hint">
              {t('dossiers.withdraw.reasonHint')}
            </span>
            <textarea id="reason" name="reason" rows={3} maxLength={1000} aria-describedby="reason-hint"></textarea>
          </div>
          <div class="actions">
            <button type="submit" class="button button-warning">
              {t('dossiers.withdraw.confirm')}
            </button>
            <a href={`/ho-so/${code}`}>{t('dossiers.withdraw.cancel')}</a>
          </div>
        </form>
      </div>
    </Page>
  );
}
