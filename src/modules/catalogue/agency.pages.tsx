import type { ViewContext } from '../../platform/http/context.js';
import { Page, SummaryList } from '../../platform/views/layout.js';
import type { AgencyTreeNode, AgencyView } from '../admin/index.js';

function AgencyTreeList({ nodes }: { nodes: AgencyTreeNode[] }) {
  return (
    <ul>
      {nodes.map((n) => (
        <li key={n.code}>
          <a href={`/co-quan/${encodeURIComponent(n.code)}`}>{n.name}</a>
          {n.children.length > 0 ? <AgencyTreeList nodes={n.children} /> : null}
        </li>
      ))}
    </ul>
  );
}

export function AgenciesPage({ ctx, tree }: { ctx: ViewContext; tree: AgencyTreeNode[] }) {
  const { t } = ctx;
  return (
    <Page ctx={ctx} title={t('agencies.title')} crumbs={[{ href: '/', label: t('nav.home') }, { label: t('nav.agencies') }]}>
      <h1>{t('agencies.title')}</h1>
      <p class="lead">{t('agencies.lead')}</p>
      <AgencyTreeList nodes={tree} />
    </Page>
  );
}

const weekdays = [1, 2, 3, 4, 5, 6, 7];

/** The agency's identity and office hours, shown above the procedures it carries out. */
export function AgencyDetails({ ctx, agency, parent }: { ctx: ViewContext; agency: AgencyView; parent: AgencyView | null }) {
  const { t } = ctx;
  return (
    <>
      <SummaryList
        rows={[
          { key: t('agency.code'), value: agency.code },
          { key: t('agency.kind'), value: t(`agency.kind.${agency.kind}`) },
          ...(parent ? [{ key: t('agency.parent'), value: <a href={`/co-quan/${encodeURIComponent(parent.code)}`}>{parent.name}</a> }] : []),
          { key: t('agency.address'), value: agency.address ?? t('procedure.notStated') },
          { key: t('agency.phone'), value: agency.phone ? <a href={`tel:${agency.phone.replace(/\s/g, '')}`}>{agency.phone}</a> : t('procedure.notStated') },
          { key: t('agency.email'), value: agency.email ? <a href={`mailto:${agency.email}`}>{agency.email}</a> : t('procedure.notStated') },
        ]}
      />
      {agency.officeHours.length > 0 ? (
        <table>
          <caption>{t('agency.officeHours')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('agency.day')}</th>
              <th scope="col">{t('agency.hours')}</th>
            </tr>
          </thead>
          <tbody>
            {weekdays.map((day) => {
              const slots = agency.officeHours.filter((h) => h.day === day);
              return (
                <tr key={day}>
                  <th scope="row">{t(`weekday.${day}`)}</th>
                  <td>{slots.length === 0 ? t('agency.closed') : slots.map((s) => `${s.open}–${s.close}`).join(', ')}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      ) : null}
      <h2>{t('agency.procedures')}</h2>
    </>
  );
}
