import type { ComponentChildren } from 'preact';
import type { ViewContext } from '../../platform/http/context.js';
import { Page, Pagination, SummaryList, Tag } from '../../platform/views/layout.js';
import type { ProcedureDetail, ProcedureSummary } from './catalogue.presenter.js';
import { feeSummary, formatDuration } from './catalogue.format.js';
import type { LifeEvent } from './life-events.js';
import type { ParsedChannelOption } from './catalogue.parser.js';
import { levels, onlineFilters, type SearchInput, type SearchResult, type SectorView } from './catalogue.service.js';

export function SearchForm({ ctx, value, headingLevel }: { ctx: ViewContext; value: string; headingLevel?: 'label' | 'h1' }) {
  const { t } = ctx;
  return (
    <form class="search-box" action="/thu-tuc" method="get" role="search">
      <div class="form-group">
        <label for="q" class={headingLevel === 'h1' ? 'visually-hidden' : undefined}>
          {t('search.label')}
        </label>
        <span class="hint" id="q-hint">
          {t('search.hint')}
        </span>
        <input type="search" id="q" name="q" value={value} maxLength={200} aria-describedby="q-hint" autoComplete="off" />
      </div>
      <button class="button" type="submit">
        {t('search.submit')}
      </button>
    </form>
  );
}

function OnlineTag({ ctx, p }: { ctx: ViewContext; p: Pick<ProcedureSummary, 'onlineOffered' | 'serviceLevel'> }) {
  if (!p.onlineOffered) return <Tag tone="grey">{ctx.t('procedure.onlineNone')}</Tag>;
  return p.serviceLevel === 'full' ? <Tag tone="green">{ctx.t('procedure.onlineFull')}</Tag> : <Tag tone="blue">{ctx.t('procedure.onlinePartial')}</Tag>;
}

function levelsText(ctx: ViewContext, values: string[]): string {
  return values.map((l) => ctx.t(`level.${l}`)).join(', ');
}

export function ProcedureList({ ctx, items, headingTag = 'h2' }: { ctx: ViewContext; items: ProcedureSummary[]; headingTag?: 'h2' | 'h3' }) {
  const H = headingTag;
  return (
    <ul class="results">
      {items.map((p) => (
        <li key={p.code}>
          <H>
            <a href={`/thu-tuc/${p.code}`}>{p.name}</a>
          </H>
          <p class="meta">
            {ctx.t('procedure.codeLabel')} {p.code} · {p.sector.name} · {levelsText(ctx, p.levels)}
            {p.minDurationDays !== null ? ` · ${ctx.t('procedure.durationShort', { n: p.minDurationDays })}` : ''}
          </p>
          <OnlineTag ctx={ctx} p={p} />
        </li>
      ))}
    </ul>
  );
}

export interface HomeModel {
  popular: ProcedureSummary[];
  sectors: SectorView[];
  lifeEvents: readonly LifeEvent[];
  stats: { procedures: number; online: number; fullOnline: number };
}

export function HomePage({ ctx, model }: { ctx: ViewContext; model: HomeModel }) {
  const { t } = ctx;
  const topSectors = [...model.sectors].sort((a, b) => b.count - a.count).slice(0, 12);
  return (
    <Page ctx={ctx} title={t('home.title')}>
      <h1>{t('home.heading')}</h1>
      <p class="lead">{t('home.lead')}</p>
      <SearchForm ctx={ctx} value="" />
      <p class="muted">
        {t('home.stats', { procedures: model.stats.procedures, online: model.stats.online })}
      </p>

      <h2>{t('home.lifeEvents')}</h2>
      <ul class="grid plain-list">
        {model.lifeEvents.map((e) => (
          <li class="card" key={e.slug}>
            <h3>
              <a href={`/su-kien/${e.slug}`}>{t(`lifeEvent.${e.key}.title`)}</a>
            </h3>
            <p class="muted">{t(`lifeEvent.${e.key}.description`)}</p>
          </li>
        ))}
      </ul>

      {model.popular.length > 0 ? (
        <>
          <h2>{t('home.popular')}</h2>
          <ProcedureList ctx={ctx} items={model.popular} headingTag="h3" />
        </>
      ) : null}

      <h2>{t('home.sectors')}</h2>
      <ul class="grid plain-list">
        {topSectors.map((s) => (
          <li key={s.slug}>
            <a href={`/linh-vuc/${s.slug}`}>{s.name}</a> <span class="muted">({t('sector.count', { n: s.count })})</span>
          </li>
        ))}
      </ul>
      <p>
        <a href="/linh-vuc">{t('home.allSectors', { n: model.sectors.length })}</a>
      </p>
    </Page>
  );
}

export interface SearchPageModel {
  input: SearchInput;
  result: SearchResult;
  sectors: SectorView[];
  /** Set when the page is a sector or agency browse page rather than a free search. */
  heading?: string;
  basePath: string;
  crumbs?: { href?: string; label: string }[];
  /** Extra content above the search form (e.g. an agency's details). */
  intro?: ComponentChildren;
  hideSectorFilter?: boolean;
}

export function searchHref(basePath: string, input: SearchInput, page?: number): string {
  const params = new URLSearchParams();
  if (input.q) params.set('q', input.q);
  if (input.sector) params.set('sector', input.sector);
  if (input.level) params.set('level', input.level);
  if (input.online) params.set('online', input.online);
  if (page && page > 1) params.set('page', String(page));
  const qs = params.toString();
  return qs ? `${basePath}?${qs}` : basePath;
}

export function SearchPage({ ctx, model }: { ctx: ViewContext; model: SearchPageModel }) {
  const { t } = ctx;
  const { input, result } = model;
  const title = model.heading ?? (result.query ? t('search.titleFor', { q: result.query }) : t('search.title'));
  return (
    <Page ctx={ctx} title={title} crumbs={model.crumbs ?? [{ href: '/', label: t('nav.home') }, { label: t('nav.procedures') }]}>
      <h1>{title}</h1>
      {model.intro}
      <form action={model.basePath} method="get" class="no-print">
        <div class="search-box">
          <div class="form-group">
            <label for="q">{t('search.label')}</label>
            <span class="hint" id="q-hint">
              {t('search.hint')}
            </span>
            <input type="search" id="q" name="q" value={input.q ?? ''} maxLength={200} aria-describedby="q-hint" autoComplete="off" />
          </div>
          <button class="button" type="submit">
            {t('search.submit')}
          </button>
        </div>
        <fieldset class="filters">
          <legend class="visually-hidden">{t('search.filters')}</legend>
          {model.hideSectorFilter ? null : (
            <div class="form-group">
              <label for="sector">{t('search.sector')}</label>
              <select id="sector" name="sector">
                <option value="">{t('search.allSectors')}</option>
                {model.sectors.map((s) => (
                  <option key={s.slug} value={s.slug} selected={s.slug === input.sector}>
                    {s.name}
                  </option>
                ))}
              </select>
            </div>
          )}
          <div class="form-group">
            <label for="level">{t('search.level')}</label>
            <select id="level" name="level">
              <option value="">{t('search.allLevels')}</option>
              {levels.map((l) => (
                <option key={l} value={l} selected={l === input.level}>
                  {t(`level.${l}`)}
                </option>
              ))}
            </select>
          </div>
          <div class="form-group">
            <label for="online">{t('search.online')}</label>
            <select id="online" name="online">
              <option value="">{t('search.onlineAll')}</option>
              {onlineFilters.map((o) => (
                <option key={o} value={o} selected={o === input.online}>
                  {t(`search.online.${o}`)}
                </option>
              ))}
            </select>
          </div>
          <div class="form-group">
            <button class="button button-secondary" type="submit">
              {t('search.applyFilters')}
            </button>
          </div>
        </fieldset>
      </form>
      <p role="status" class="lead">
        {result.total === 0 ? t('search.none') : t('search.count', { n: result.total })}
      </p>
      {result.total === 0 ? (
        <div class="panel">
          <p>{t('search.noneHelp')}</p>
          <p>
            <a href="/linh-vuc">{t('search.browseSectors')}</a>
          </p>
        </div>
      ) : (
        <ProcedureList ctx={ctx} items={result.items} />
      )}
      <Pagination ctx={ctx} page={result.page} pageCount={result.pageCount} hrefFor={(p) => searchHref(model.basePath, input, p)} />
    </Page>
  );
}

export function SectorsPage({ ctx, sectors }: { ctx: ViewContext; sectors: SectorView[] }) {
  const { t } = ctx;
  return (
    <Page ctx={ctx} title={t('sectors.title')} crumbs={[{ href: '/', label: t('nav.home') }, { label: t('nav.sectors') }]}>
      <h1>{t('sectors.title')}</h1>
      <p class="lead">{t('sectors.lead', { n: sectors.length })}</p>
      <ul class="grid plain-list">
        {sectors.map((s) => (
          <li key={s.slug}>
            <a href={`/linh-vuc/${s.slug}`}>{s.name}</a> <span class="muted">({t('sector.count', { n: s.count })})</span>
          </li>
        ))}
      </ul>
    </Page>
  );
}

export function LifeEventPage({ ctx, event, procedures }: { ctx: ViewContext; event: LifeEvent; procedures: ProcedureSummary[] }) {
  const { t } = ctx;
  const title = t(`lifeEvent.${event.key}.title`);
  return (
    <Page ctx={ctx} title={title} crumbs={[{ href: '/', label: t('nav.home') }, { label: title }]}>
      <h1>{title}</h1>
      <p class="lead">{t(`lifeEvent.${event.key}.description`)}</p>
      <ProcedureList ctx={ctx} items={procedures} />
    </Page>
  );
}

function durationCell(ctx: ViewContext, ch: ParsedChannelOption): string {
  if (ch.durations.length > 0) return ch.durations.map((d) => formatDuration(ctx.t, d)).join('; ');
  // About one channel in eight states a bare number; we show it as published rather than guess the unit.
  if (ch.durationStatus === 'value_without_unit' && ch.durationValueWithoutUnit !== null)
    return ctx.t('duration.noUnit', { n: ch.durationValueWithoutUnit });
  return ch.durationText || ctx.t('procedure.notStated');
}

function RawText({ ctx, text }: { ctx: ViewContext; text: unknown }) {
  if (typeof text !== 'string' || text.trim() === '') return null;
  return (
    <details>
      <summary>{ctx.t('procedure.rawText')}</summary>
      <div class="pre-text">{text}</div>
    </details>
  );
}

export function ProcedurePage({ ctx, p }: { ctx: ViewContext; p: ProcedureDetail }) {
  const { t } = ctx;
  const c = p.content;
  const groups = new Map<string, typeof c.requirements>();
  for (const r of c.requirements) {
    const key = r.group ?? '';
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  const sections = [
    ['overview', t('procedure.section.overview')],
    ['channels', t('procedure.section.channels')],
    ['documents', t('procedure.section.documents')],
    ['steps', t('procedure.section.steps')],
    ['conditions', t('procedure.section.conditions')],
    ['result', t('procedure.section.result')],
    ['legal', t('procedure.section.legal')],
  ] as const;
  return (
    <Page
      ctx={ctx}
      title={p.name}
      crumbs={[
        { href: '/', label: t('nav.home') },
        { href: `/linh-vuc/${p.sector.slug}`, label: p.sector.name },
        { label: p.code },
      ]}
    >
      <span class="muted">{t('procedure.codeLabel')} {p.code}</span>
      <h1>{p.name}</h1>
      <p>
        <OnlineTag ctx={ctx} p={p} />
      </p>
      <div class="panel panel-highlight">
        <h2 class="visually-hidden">{t('procedure.atAGlance')}</h2>
        <SummaryList
          rows={[
            { key: t('procedure.who'), value: p.applicantTypes.join(', ') || t('procedure.notStated') },
            {
              key: t('procedure.howLong'),
              value: p.minDurationDays === null ? t('procedure.notStated') : t('procedure.durationFrom', { n: p.minDurationDays }),
            },
            {
              key: t('procedure.howMuch'),
              value: p.hasFee === false ? t('fee.free') : p.hasFee === true ? t('procedure.feeSeeBelow') : t('fee.notStated'),
            },
            {
              key: t('procedure.where'),
              value:
                p.handlingAgency ||
                p.competentAgency ||
                (p.agencies.length > 0 ? <a href="#overview">{t('procedure.whereLocal', { n: p.agencies.length })}</a> : t('procedure.notStated')),
            },
            {
              key: t('procedure.online'),
              value: p.onlineOffered ? t(p.serviceLevel === 'full' ? 'procedure.onlineFullLong' : 'procedure.onlinePartialLong') : t('procedure.onlineNoneLong'),
            },
          ]}
        />
      </div>

      {p.onlineOffered && p.agencies.length > 0 ? (
        <div class="actions no-print">
          <a class="button" href={`/thu-tuc/${p.code}/nop-truc-tuyen`} role="button" draggable={false}>
            {t('procedure.submitOnline')}
          </a>
          <span class="muted">{t('procedure.submitOnlineHint')}</span>
        </div>
      ) : p.onlineOffered ? (
        <p class="panel">{t('procedure.onlineElsewhere')}</p>
      ) : null}

      <nav class="contents-list no-print" aria-label={t('procedure.contents')}>
        <h2>{t('procedure.contents')}</h2>
        <ol>
          {sections.map(([id, label]) => (
            <li key={id}>
              <a href={`#${id}`}>{label}</a>
            </li>
          ))}
        </ol>
      </nav>

      {p.guide ? (
        <section aria-labelledby="guide">
          <h2 id="guide">{t('procedure.section.guide')}</h2>
          <p class="lead">{p.guide.summary}</p>
          {p.guide.body ? <div class="pre-text">{p.guide.body}</div> : null}
          {p.guide.videoUrl ? (
            <p>
              <a href={p.guide.videoUrl}>{t('procedure.guideVideo')}</a>
            </p>
          ) : null}
        </section>
      ) : null}

      <section aria-labelledby="overview">
        <h2 id="overview">{t('procedure.section.overview')}</h2>
        <SummaryList
          rows={[
            { key: t('procedure.codeLabel'), value: p.code },
            { key: t('procedure.sector'), value: <a href={`/linh-vuc/${p.sector.slug}`}>{p.sector.name}</a> },
            { key: t('procedure.levels'), value: levelsText(ctx, p.levels) || t('procedure.notStated') },
            { key: t('procedure.competentAgency'), value: p.competentAgency || t('procedure.notStated') },
            { key: t('procedure.handlingAgency'), value: p.handlingAgency || t('procedure.notStated') },
            ...(c.receivingAddress ? [{ key: t('procedure.receivingAddress'), value: c.receivingAddress }] : []),
            ...(c.coordinatingAgency ? [{ key: t('procedure.coordinatingAgency'), value: c.coordinatingAgency }] : []),
            { key: t('procedure.type'), value: c.procedureType || t('procedure.notStated') },
            { key: t('procedure.decision'), value: p.version.decisionNumber || t('procedure.notStated') },
          ]}
        />
        {p.agencies.length > 0 ? (
          <>
            <h3>{t('procedure.localAgencies')}</h3>
            <ul>
              {p.agencies.map((a) => (
                <li key={a.code}>
                  <a href={`/co-quan/${encodeURIComponent(a.code)}`}>{a.name}</a>
                  {a.address ? <span class="muted"> – {a.address}</span> : null}
                </li>
              ))}
            </ul>
          </>
        ) : null}
      </section>

      <section aria-labelledby="channels">
        <h2 id="channels">{t('procedure.section.channels')}</h2>
        {c.channels.length === 0 ? (
          <p>{t('procedure.notStated')}</p>
        ) : (
          <div class="table-wrap">
            <table>
              <caption class="visually-hidden">{t('procedure.section.channels')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('procedure.channel')}</th>
                  <th scope="col">{t('procedure.duration')}</th>
                  <th scope="col">{t('procedure.fee')}</th>
                  <th scope="col">{t('procedure.description')}</th>
                </tr>
              </thead>
              <tbody>
                {c.channels.map((ch, i) => (
                  <tr key={i}>
                    <th scope="row">{t(`channel.${ch.channel}`)}</th>
                    <td>{durationCell(ctx, ch)}</td>
                    <td>{feeSummary(t, ch)}</td>
                    <td class="pre-text">{ch.description}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        <RawText ctx={ctx} text={p.raw.cach_thuc_thuc_hien} />
      </section>

      <section aria-labelledby="documents">
        <h2 id="documents">{t('procedure.section.documents')}</h2>
        {c.requirements.length === 0 ? <p>{t('procedure.notStated')}</p> : null}
        {[...groups.entries()].map(([group, items], gi) => (
          <div class="table-wrap" key={gi}>
            <table>
              <caption>{group || t('procedure.documentsCaption')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('procedure.documentName')}</th>
                  <th scope="col">{t('procedure.formTemplate')}</th>
                  <th scope="col" class="num">
                    {t('procedure.originals')}
                  </th>
                  <th scope="col" class="num">
                    {t('procedure.copies')}
                  </th>
                </tr>
              </thead>
              <tbody>
                {items.map((r, i) => (
                  <tr key={i}>
                    <td>{r.name}</td>
                    <td>{r.formTemplate ?? '–'}</td>
                    <td class="num">{r.originals}</td>
                    <td class="num">{r.copies}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ))}
        <RawText ctx={ctx} text={p.raw.thanh_phan_ho_so} />
      </section>

      <section aria-labelledby="steps">
        <h2 id="steps">{t('procedure.section.steps')}</h2>
        {c.steps.length === 0 ? (
          <p>{t('procedure.notStated')}</p>
        ) : (
          <ol>
            {c.steps.map((s) => (
              <li key={s.order}>
                <strong>{s.title}</strong>
                {s.body ? <div class="pre-text">{s.body}</div> : null}
              </li>
            ))}
          </ol>
        )}
        <RawText ctx={ctx} text={p.raw.trinh_tu_thuc_hien} />
      </section>

      <section aria-labelledby="conditions">
        <h2 id="conditions">{t('procedure.section.conditions')}</h2>
        <div class="pre-text">{c.conditions || t('procedure.notStated')}</div>
      </section>

      <section aria-labelledby="result">
        <h2 id="result">{t('procedure.section.result')}</h2>
        {c.results.length === 0 ? (
          <p>{t('procedure.notStated')}</p>
        ) : (
          <ul>
            {c.results.map((r, i) => (
              <li key={i}>
                {r.name}
                {r.code ? <span class="muted"> ({r.code})</span> : null}
              </li>
            ))}
          </ul>
        )}
        <RawText ctx={ctx} text={p.raw.ket_qua_xu_ly} />
      </section>

      <section aria-labelledby="legal">
        <h2 id="legal">{t('procedure.section.legal')}</h2>
        {c.legalBases.length === 0 ? (
          <p>{t('procedure.notStated')}</p>
        ) : (
          <ul>
            {c.legalBases.map((l, i) => (
              <li key={i}>
                {l.title}
                {l.code ? <strong> {l.code}</strong> : null}
              </li>
            ))}
          </ul>
        )}
        <RawText ctx={ctx} text={p.raw.can_cu_phap_ly} />
      </section>

      <p class="muted">
        {t('procedure.versionLine', { version: p.version.number, date: p.version.effectiveFrom })}
        {p.sourceUrl ? (
          <>
            {' '}
            <a href={p.sourceUrl}>{t('procedure.sourceLink')}</a>
          </>
        ) : null}
      </p>
    </Page>
  );
}
