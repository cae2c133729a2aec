import { appendAudit } from '../../platform/audit/index.js';
import { CommonErrors, DomainError, type FieldProblem } from '../../platform/errors/errors.js';
import type { SessionUser } from '../../platform/http/auth.js';
import { fold } from '../../platform/i18n/fold.js';
import { translator } from '../../platform/i18n/i18n.js';
import { statutoryDurationFor, type StatutoryDuration } from './desk.deadlines.js';
import { ProcessErrors } from './process.errors.js';
import type { ProcessDefinition, ProcessStep } from './process.model.js';
import type { ProcessRepository, StepRecord } from './process.repository.js';
import type { ProcessRole, ProcessStepKind } from './workflow.tables.js';

export const processStepKinds: readonly ProcessStepKind[] = ['receive', 'handle', 'consult', 'approve', 'sign', 'return'];
export const processRoles: readonly ProcessRole[] = ['desk', 'handler', 'leader'];

/**
 * Which roles may carry out each kind of step. The one-stop desk receives and returns (Decree 118/2025/NĐ-CP: the
 * desk is the only door in and out); specialists handle; a leader approves and signs; a step at a consulted agency is
 * the opinion of its specialist, or of its leader when the opinion must be signed.
 */
export const rolesForKind: Readonly<Record<ProcessStepKind, readonly ProcessRole[]>> = {
  receive: ['desk'],
  handle: ['handler'],
  consult: ['handler', 'leader'],
  approve: ['leader'],
  sign: ['leader'],
  return: ['desk'],
};

/** A step as typed in the editor (strings from the form; checked by `checkProcessDraft`). */
export interface StepInput {
  kind: string;
  role: string;
  /** 'receiving' (the agency that received the dossier) or the id of the agency where the step runs. */
  agency: string;
  /** Percent of the statutory duration, up to 2 decimals; a comma is accepted as the decimal mark. */
  share: string;
  name: string;
  nameEn: string;
}

export interface ProcessDraft {
  name: string;
  legalBasis: string;
  steps: StepInput[];
}

/** A checked draft, ready to store. */
export interface CleanDraft {
  name: string;
  legalBasis: string;
  steps: StepRecord[];
}

/** What the checks need to know about agencies (from the database). */
export interface DraftContext {
  /** Agencies named by the draft's steps, by id. */
  agencies: ReadonlyMap<number, { active: boolean }>;
  /** The scope's agency (null: the default scope); a consult step must run elsewhere. */
  scopeAgencyId: number | null;
}

export const MAX_STEPS = 30;
const MAX_NAME = 200;
const MAX_DEFINITION_NAME = 300;
const MAX_LEGAL_BASIS = 4000;

/** Field names of a step row in the editor; also the ids the error summary links to. */
export const stepField = (position: number, field: keyof StepInput) => `step-${position}-${field}`;

/** "12,5" or "12.50" → 1250 hundredths of a percent; null when not a number with at most 2 decimals in 0–100. */
export function parseShare(text: string): number | null {
  const match = /^(\d{1,3})(?:[.,](\d{1,2}))?$/.exec(text.trim());
  if (!match) return null;
  const hundredths = Number(match[1]) * 100 + Number((match[2] ?? '').padEnd(2, '0'));
  return hundredths <= 10_000 ? hundredths : null;
}

function shareText(hundredths: number): string {
  return (hundredths / 100).toFixed(2);
}

/**
 * The rules a process definition must satisfy before it is stored (pure: the agencies it names are looked up by the
 * caller). Every problem is reported at once, each naming its step (`{step}`, 1-based) and field, so the editor can
 * show them all beside the fields.
 */
export function checkProcessDraft(draft: ProcessDraft, context: DraftContext): { problems: FieldProblem[]; clean: CleanDraft | null } {
  const problems: FieldProblem[] = [];
  const name = clean(draft.name);
  const legalBasis = (typeof draft.legalBasis === 'string' ? draft.legalBasis : '').trim();
  if (name === '') problems.push({ field: 'name', messageKey: 'workflow.process.field.name.required' });
  else if (name.length > MAX_DEFINITION_NAME) problems.push({ field: 'name', messageKey: 'workflow.process.field.name.tooLong', params: { max: MAX_DEFINITION_NAME } });
  if (legalBasis.length > MAX_LEGAL_BASIS) problems.push({ field: 'legalBasis', messageKey: 'workflow.process.field.legalBasis.tooLong', params: { max: MAX_LEGAL_BASIS } });

  const steps = Array.isArray(draft.steps) ? draft.steps : [];
  if (steps.length === 0) {
    problems.push({ field: 'steps', messageKey: 'workflow.process.field.steps.required' });
    return { problems, clean: null };
  }
  if (steps.length > MAX_STEPS) {
    problems.push({ field: 'steps', messageKey: 'workflow.process.field.steps.tooMany', params: { max: MAX_STEPS } });
    return { problems, clean: null };
  }

  const records: StepRecord[] = [];
  let total = 0;
  let sharesReadable = true;
  steps.forEach((input, index) => {
    const step = index + 1;
    const first = index === 0;
    const last = index === steps.length - 1;
    const problem = (field: keyof StepInput, what: string, params: Record<string, string | number> = {}) =>
      problems.push({ field: stepField(step, field), messageKey: `workflow.process.field.step.${what}`, params: { step, ...params } });

    const kind = processStepKinds.find((k) => k === input.kind);
    const role = processRoles.find((r) => r === input.role);
    if (!kind) problem('kind', 'kindInvalid');
    else if (first && kind !== 'receive') problem('kind', 'firstMustReceive');
    else if (last && kind !== 'return') problem('kind', 'lastMustReturn');
    else if (!first && kind === 'receive') problem('kind', 'receiveOnlyFirst');
    else if (!last && kind === 'return') problem('kind', 'returnOnlyLast');

    if (!role) problem('role', 'roleInvalid');
    else if (kind && !rolesForKind[kind].includes(role)) problem('role', `roleFor.${kind}`);

    const agencyText = typeof input.agency === 'string' ? input.agency.trim() : '';
    let agencyMode: 'receiving' | 'fixed' = 'receiving';
    let agencyId: number | null = null;
    if (agencyText === '' || agencyText === 'receiving') {
      if (kind === 'consult') problem('agency', 'consultElsewhere');
    } else if (!/^\d{1,9}$/.test(agencyText)) {
      problem('agency', 'agencyInvalid');
    } else {
      agencyMode = 'fixed';
      agencyId = Number(agencyText);
      const agency = context.agencies.get(agencyId);
      if (!agency) problem('agency', 'agencyInvalid');
      else if (!agency.active) problem('agency', 'agencyInactive');
      else if (kind === 'receive' || kind === 'return') problem('agency', 'atReceiving');
      else if (kind === 'consult' && agencyId === context.scopeAgencyId) problem('agency', 'consultElsewhere');
    }

    const hundredths = parseShare(typeof input.share === 'string' ? input.share : '');
    if (hundredths === null) {
      sharesReadable = false;
      problem('share', 'shareInvalid');
    } else total += hundredths;

    const stepName = clean(input.name);
    const stepNameEn = clean(input.nameEn);
    if (stepName === '') problem('name', 'nameRequired');
    else if (stepName.length > MAX_NAME) problem('name', 'nameTooLong', { max: MAX_NAME });
    if (stepNameEn.length > MAX_NAME) problem('nameEn', 'nameTooLong', { max: MAX_NAME });

    if (kind && role && hundredths !== null) {
      records.push({ position: step, kind, role, agencyMode, agencyId, sharePercent: shareText(hundredths), name: stepName, nameEn: stepNameEn === '' ? null : stepNameEn });
    }
  });
  if (sharesReadable && total !== 10_000) {
    problems.push({ field: 'steps', messageKey: 'workflow.process.field.steps.sharesTotal', params: { total: shareText(total) } });
  }
  return problems.length === 0 ? { problems, clean: { name, legalBasis, steps: records } } : { problems, clean: null };
}

function clean(value: unknown): string {
  return (typeof value === 'string' ? value : '').replace(/\s+/g, ' ').trim();
}

// ---------------------------------------------------------------------------------------------------------------

/** Where a definition comes from, seen from one scope: its own, the default scope's, or the built-in process. */
export type ProcessSource = 'own' | 'default' | 'builtIn';

export interface StepView {
  position: number;
  kind: ProcessStepKind;
  role: ProcessRole;
  agencyMode: 'receiving' | 'fixed';
  agencyId: number | null;
  /** The fixed agency's name (null at the receiving agency). */
  agencyName: string | null;
  sharePercent: number;
  name: string;
  nameEn: string | null;
  /** The step's part of the statutory duration, in the duration's unit (2 decimals); null without a duration. */
  allotted: number | null;
}

export interface DefinitionView {
  /** Null for the built-in process. */
  id: number | null;
  version: number;
  name: string;
  legalBasis: string;
  agencyId: number | null;
  isCurrent: boolean;
  createdAt: Date | null;
  createdByName: string | null;
  source: ProcessSource;
  steps: StepView[];
}

export interface VersionSummary {
  id: number;
  version: number;
  name: string;
  isCurrent: boolean;
  createdAt: Date;
  createdByName: string | null;
  stepCount: number;
}

export interface ProcessScope {
  /** Null: the default scope, for any receiving agency. */
  agencyId: number | null;
  agencyName: string | null;
}

export interface ProcessEditorView {
  procedure: { id: number; code: string; name: string };
  scope: ProcessScope;
  /** The duration the shares divide (the online channel's, else in person, else by post). */
  duration: StatutoryDuration | null;
  canEdit: boolean;
  /** Whether the actor may choose another scope (system administrators). */
  canChooseScope: boolean;
  /** What a dossier received now in this scope follows. */
  effective: DefinitionView;
  /** The version asked for (`version`), else the effective one. */
  shown: DefinitionView;
  versions: VersionSummary[];
  /** The scope's current version (0 when it has none): send it back when publishing. */
  baseVersion: number;
  /** Agencies a step may run at. */
  agencies: { id: number; name: string }[];
}

export interface OverviewItem {
  code: string;
  name: string;
  /** The scope's own current version, or null. */
  ownVersion: number | null;
  /** The default scope's current version, or null. */
  defaultVersion: number | null;
}

export interface OverviewPage {
  scope: ProcessScope;
  items: OverviewItem[];
  total: number;
  page: number;
  pageCount: number;
  search: string;
  /** Scopes a system administrator may switch to (active agencies); null for everyone else. */
  scopeChoices: { id: number; name: string }[] | null;
}

export interface Published {
  id: number;
  version: number;
  procedureCode: string;
  scope: ProcessScope;
}

export interface ProcessServiceOptions {
  /** Parsed definitions kept in memory (by id; definitions never change once stored). Default 500. */
  cacheSize?: number;
}

const PAGE_SIZE = 25;
const durationChannels = ['online', 'in_person', 'post'] as const;

/**
 * Internal processes ("quy trình nội bộ") of procedures: the ordered steps a dossier goes through after reception,
 * each with its role, its agency and its share of the statutory duration.
 *
 * Definitions are versioned data: saving creates a new version and makes it the current one of its scope (an agency,
 * or the default for any receiving agency), in one transaction with its audit event; a stored version is never
 * changed, so dossiers already in progress keep the steps they were received with. Authorisation lives here: an agency
 * administrator changes their own agency's definitions, a system administrator any scope including the default; any
 * officer may read.
 */
export class ProcessService {
  /** Parsed definitions by id. Safe to keep: stored definitions are immutable; only which one is current changes. */
  private readonly cache = new Map<number, ProcessDefinition>();
  private readonly cacheSize: number;

  constructor(
    private readonly repository: ProcessRepository,
    options: ProcessServiceOptions = {},
  ) {
    this.cacheSize = options.cacheSize ?? 500;
  }

  /**
   * The process a dossier of `procedureId` received by `receivingAgencyId` follows: the agency's current definition,
   * else the default scope's, else the built-in default process (receive → handle → approve → return at the receiving
   * agency, `id: null`). The engine snapshots the steps onto the dossier at reception.
   *
   * Freshness is a version check, not a TTL: every call reads which definition is current (one indexed row), and only
   * the parsed steps are cached, by definition id. A version published by any process is therefore used for the very
   * next dossier received anywhere. The result is a fresh copy the caller may keep.
   */
  async current(procedureId: number, receivingAgencyId: number): Promise<ProcessDefinition> {
    const row = await this.repository.currentFor(procedureId, receivingAgencyId);
    if (!row) return builtInProcess(procedureId);
    return structuredClone(await this.load(row.id));
  }

  private async load(id: number): Promise<ProcessDefinition> {
    const hit = this.cache.get(id);
    if (hit) return hit;
    const [definition, steps] = await Promise.all([this.repository.definition(id), this.repository.steps(id)]);
    if (!definition) throw new DomainError(ProcessErrors.versionNotFound, { params: { version: id } });
    const parsed: ProcessDefinition = {
      id: definition.id,
      procedureId: definition.procedure_id,
      agencyId: definition.agency_id,
      version: definition.version,
      name: definition.name,
      legalBasis: definition.legal_basis,
      steps: steps.map(
        (s): ProcessStep => ({
          id: s.id,
          position: s.position,
          kind: s.kind,
          role: s.role,
          agencyMode: s.agency_mode,
          agencyId: s.agency_id,
          sharePercent: Number(s.share_percent),
          name: s.name,
          nameEn: s.name_en,
        }),
      ),
    };
    if (this.cache.size >= this.cacheSize) this.cache.delete(this.cache.keys().next().value!);
    this.cache.set(id, parsed);
    return parsed;
  }

  // ---- the editor ----

  /** Procedures offered by the actor's agency (all procedures for a system administrator) and their process versions. */
  async overview(actor: SessionUser, filters: { search?: string; page?: number; agencyId?: number | null } = {}): Promise<OverviewPage> {
    const scope = await this.scopeFor(actor, filters.agencyId);
    const search = (filters.search ?? '').trim().slice(0, 100);
    const page = Number.isInteger(filters.page) && filters.page! > 0 ? filters.page! : 1;
    const query = { agencyId: scope.agencyId, folded: fold(search), limit: PAGE_SIZE, offset: (page - 1) * PAGE_SIZE };
    const [rows, total, choices] = await Promise.all([
      this.repository.offered(query),
      this.repository.offeredCount(query),
      isSystemAdmin(actor) ? this.repository.activeAgencies() : Promise.resolve(null),
    ]);
    return {
      scope,
      items: rows.map((r) => ({
        code: r.code,
        name: r.name,
        ownVersion: scope.agencyId === null ? r.default_version : (r.agency_version ?? null),
        defaultVersion: r.default_version,
      })),
      total,
      page,
      pageCount: Math.max(1, Math.ceil(total / PAGE_SIZE)),
      search,
      scopeChoices: choices ? choices.map((a) => ({ id: a.id, name: a.name })) : null,
    };
  }

  /**
   * The editor's view of one procedure in one scope: the process a dossier would follow now, the version asked for,
   * the version history and the agencies a step may run at.
   */
  async editor(actor: SessionUser, procedureCode: string, options: { agencyId?: number | null; version?: number } = {}): Promise<ProcessEditorView> {
    const scope = await this.scopeFor(actor, options.agencyId);
    const procedure = await this.procedureIn(scope, procedureCode);
    const duration = durationOf(procedure.content);
    const [versions, agencies, own] = await Promise.all([
      this.repository.versions(procedure.id, scope.agencyId),
      this.repository.activeAgencies(),
      this.repository.currentOfScope(procedure.id, scope.agencyId),
    ]);
    const effective = await this.effectiveView(procedure.id, scope, duration);
    let shown = effective;
    if (options.version !== undefined) {
      const found = Number.isInteger(options.version) ? await this.repository.definitionByVersion(procedure.id, scope.agencyId, options.version) : undefined;
      if (!found) throw new DomainError(ProcessErrors.versionNotFound, { params: { version: String(options.version) } });
      shown = await this.storedView(found.id, 'own', duration);
    }
    return {
      procedure: { id: procedure.id, code: procedure.code, name: procedure.name },
      scope,
      duration,
      canEdit: mayEdit(actor, scope.agencyId),
      canChooseScope: isSystemAdmin(actor),
      effective,
      shown,
      versions: versions.map((v) => ({
        id: v.id,
        version: v.version,
        name: v.name,
        isCurrent: v.is_current,
        createdAt: v.created_at,
        createdByName: v.created_by_name,
        stepCount: Number(v.step_count ?? 0),
      })),
      baseVersion: own?.version ?? 0,
      agencies: agencies.map((a) => ({ id: a.id, name: a.name })),
    };
  }

  /**
   * Checks a draft before the officer confirms it (check-your-answers): the same authorisation and rules as
   * `publish`, nothing stored. Returns the steps as they would be published, with agency names and allotted time.
   */
  async review(actor: SessionUser, procedureCode: string, agencyId: number | null | undefined, draft: ProcessDraft): Promise<{ scope: ProcessScope; draft: CleanDraft; steps: StepView[] }> {
    const scope = await this.scopeFor(actor, agencyId);
    requireEdit(actor, scope.agencyId);
    const procedure = await this.procedureIn(scope, procedureCode);
    const checked = await this.check(draft, scope.agencyId);
    const names = await this.agencyNames(checked.steps);
    const duration = durationOf(procedure.content);
    return { scope, draft: checked, steps: checked.steps.map((s) => stepView(s, names, duration)) };
  }

  /**
   * Publishes a draft as the scope's new current version. `baseVersion` is the scope's current version the editor
   * started from (0: none): when someone published meanwhile the draft is refused with PROCESS_CHANGED rather than
   * silently replacing their version. Writes the audit event `process.publish` in the same transaction.
   */
  async publish(actor: SessionUser, procedureCode: string, agencyId: number | null | undefined, draft: ProcessDraft, baseVersion: number, meta: { ip?: string | null } = {}): Promise<Published> {
    const scope = await this.scopeFor(actor, agencyId);
    requireEdit(actor, scope.agencyId);
    const procedure = await this.procedureIn(scope, procedureCode);
    const checked = await this.check(draft, scope.agencyId);
    return this.store(actor, procedure, scope, checked, baseVersion, meta.ip ?? null, null);
  }

  /** Publishes an older version of the same scope again, as a new version (the old one stays as it was). */
  async restore(actor: SessionUser, procedureCode: string, agencyId: number | null | undefined, version: number, baseVersion: number, meta: { ip?: string | null } = {}): Promise<Published> {
    const scope = await this.scopeFor(actor, agencyId);
    requireEdit(actor, scope.agencyId);
    const procedure = await this.procedureIn(scope, procedureCode);
    const found = Number.isInteger(version) ? await this.repository.definitionByVersion(procedure.id, scope.agencyId, version) : undefined;
    if (!found) throw new DomainError(ProcessErrors.versionNotFound, { params: { version: String(version) } });
    const old = await this.load(found.id);
    // Checked again: an agency named by the old version may have been closed since.
    const checked = await this.check(draftOf(old), scope.agencyId);
    return this.store(actor, procedure, scope, checked, baseVersion, meta.ip ?? null, version);
  }

  /** A stored definition as the editor's rows (to edit a copy of it). */
  static draftOf(definition: DefinitionView): ProcessDraft {
    return {
      name: definition.name,
      legalBasis: definition.legalBasis,
      steps: definition.steps.map((s) => ({
        kind: s.kind,
        role: s.role,
        agency: s.agencyMode === 'fixed' && s.agencyId !== null ? String(s.agencyId) : 'receiving',
        share: s.sharePercent.toFixed(2),
        name: s.name,
        nameEn: s.nameEn ?? '',
      })),
    };
  }

  // ---- helpers ----

  private async store(actor: SessionUser, procedure: { id: number; code: string }, scope: ProcessScope, checked: CleanDraft, baseVersion: number, ip: string | null, restoredFrom: number | null): Promise<Published> {
    return this.repository.transaction(async (trx) => {
      await this.repository.lockProcedure(trx, procedure.id);
      const current = await this.repository.currentOfScope(procedure.id, scope.agencyId, trx);
      if ((current?.version ?? 0) !== baseVersion) {
        throw new DomainError(ProcessErrors.changed, { params: { version: current?.version ?? 0 } });
      }
      // Agencies checked again under the lock, in the transaction: one closed meanwhile must not enter a process.
      const named = checked.steps.flatMap((s) => (s.agencyId === null ? [] : [s.agencyId]));
      const agencies = await this.repository.agenciesByIds([...new Set(named)], trx);
      if (agencies.some((a) => !a.active) || agencies.length !== new Set(named).size) {
        const again = checkProcessDraft(draftOfClean(checked), { agencies: new Map(agencies.map((a) => [a.id, a])), scopeAgencyId: scope.agencyId });
        throw new DomainError(CommonErrors.validation, { fields: again.problems });
      }
      const version = await this.repository.nextVersion(trx, procedure.id, scope.agencyId);
      const id = await this.repository.insertCurrent(
        trx,
        { procedureId: procedure.id, agencyId: scope.agencyId, version, name: checked.name, legalBasis: checked.legalBasis, createdBy: actor.id },
        checked.steps,
      );
      await appendAudit(trx, {
        actorUserId: actor.id,
        actorKind: 'officer',
        action: restoredFrom === null ? 'process.publish' : 'process.restore',
        subjectType: 'process_definition',
        subjectId: id,
        agencyId: scope.agencyId,
        ip,
        details: {
          procedureCode: procedure.code,
          scope: scope.agencyId === null ? 'default' : 'agency',
          version,
          previousVersion: current?.version ?? null,
          steps: checked.steps.length,
          ...(restoredFrom !== null ? { restoredFrom } : {}),
        },
      });
      return { id, version, procedureCode: procedure.code, scope };
    });
  }

  private async check(draft: ProcessDraft, scopeAgencyId: number | null): Promise<CleanDraft> {
    const ids = (Array.isArray(draft.steps) ? draft.steps : [])
      .map((s) => (typeof s?.agency === 'string' ? s.agency.trim() : ''))
      .filter((a) => /^\d{1,9}$/.test(a))
      .map(Number);
    const agencies = await this.repository.agenciesByIds([...new Set(ids)]);
    const result = checkProcessDraft(draft, { agencies: new Map(agencies.map((a) => [a.id, a])), scopeAgencyId });
    if (!result.clean) throw new DomainError(CommonErrors.validation, { fields: result.problems });
    return result.clean;
  }

  private async agencyNames(steps: { agencyId: number | null }[]): Promise<Map<number, string>> {
    const ids = [...new Set(steps.flatMap((s) => (s.agencyId === null ? [] : [s.agencyId])))];
    const rows = await this.repository.agenciesByIds(ids);
    return new Map(rows.map((a) => [a.id, a.name]));
  }

  /**
   * The scope an actor works in. A system administrator chooses (default scope unless an agency is asked for); every
   * other officer works in their own agency (another agency asked for is refused).
   */
  private async scopeFor(actor: SessionUser, requested: number | null | undefined): Promise<ProcessScope> {
    if (actor.kind !== 'officer') throw new DomainError(ProcessErrors.readForbidden);
    let agencyId: number | null;
    if (isSystemAdmin(actor)) agencyId = requested ?? null;
    else {
      if (actor.agencyId === null) throw new DomainError(ProcessErrors.readForbidden);
      if (requested !== undefined && requested !== actor.agencyId) throw new DomainError(ProcessErrors.editForbidden);
      agencyId = actor.agencyId;
    }
    if (agencyId === null) return { agencyId: null, agencyName: null };
    const agency = Number.isInteger(agencyId) ? await this.repository.agency(agencyId) : undefined;
    if (!agency) throw new DomainError(ProcessErrors.procedureNotFound, { params: { code: '' } });
    return { agencyId: agency.id, agencyName: agency.name };
  }

  /** The procedure, which an agency scope must offer. */
  private async procedureIn(scope: ProcessScope, code: string) {
    const procedure = typeof code === 'string' && code.length <= 30 ? await this.repository.procedureByCode(code) : undefined;
    if (!procedure || (scope.agencyId !== null && !(await this.repository.isOffered(procedure.id, scope.agencyId)))) {
      throw new DomainError(ProcessErrors.procedureNotFound, { params: { code: String(code).slice(0, 30) } });
    }
    return procedure;
  }

  private async effectiveView(procedureId: number, scope: ProcessScope, duration: StatutoryDuration | null): Promise<DefinitionView> {
    const own = await this.repository.currentOfScope(procedureId, scope.agencyId);
    if (own) return this.storedView(own.id, 'own', duration);
    if (scope.agencyId !== null) {
      const fallback = await this.repository.currentOfScope(procedureId, null);
      if (fallback) return this.storedView(fallback.id, 'default', duration);
    }
    const builtIn = builtInProcess(procedureId);
    return {
      id: null,
      version: 0,
      name: builtIn.name,
      legalBasis: builtIn.legalBasis,
      agencyId: null,
      isCurrent: true,
      createdAt: null,
      createdByName: null,
      source: 'builtIn',
      steps: builtIn.steps.map((s) => stepView({ ...s, sharePercent: shareText(Math.round(s.sharePercent * 100)) }, new Map(), duration)),
    };
  }

  private async storedView(id: number, source: ProcessSource, duration: StatutoryDuration | null): Promise<DefinitionView> {
    const [definition, steps] = await Promise.all([this.repository.definition(id), this.repository.steps(id)]);
    if (!definition) throw new DomainError(ProcessErrors.versionNotFound, { params: { version: String(id) } });
    const names = new Map(steps.flatMap((s) => (s.agency_id !== null && s.agency_name ? [[s.agency_id, s.agency_name] as const] : [])));
    return {
      id: definition.id,
      version: definition.version,
      name: definition.name,
      legalBasis: definition.legal_basis,
      agencyId: definition.agency_id,
      isCurrent: definition.is_current,
      createdAt: definition.created_at,
      createdByName: definition.created_by_name,
      source,
      steps: steps.map((s) =>
        stepView(
          { position: s.position, kind: s.kind, role: s.role, agencyMode: s.agency_mode, agencyId: s.agency_id, sharePercent: String(s.share_percent), name: s.name, nameEn: s.name_en },
          names,
          duration,
        ),
      ),
    };
  }
}

function stepView(s: StepRecord, names: ReadonlyMap<number, string>, duration: StatutoryDuration | null): StepView {
  const share = Number(s.sharePercent);
  return {
    position: s.position,
    kind: s.kind,
    role: s.role,
    agencyMode: s.agencyMode,
    agencyId: s.agencyMode === 'fixed' ? s.agencyId : null,
    agencyName: s.agencyMode === 'fixed' && s.agencyId !== null ? (names.get(s.agencyId) ?? null) : null,
    sharePercent: share,
    name: s.name,
    nameEn: s.nameEn,
    allotted: duration ? Math.round(duration.value * share) / 100 : null,
  };
}

function draftOf(d: ProcessDefinition): ProcessDraft {
  return {
    name: d.name,
    legalBasis: d.legalBasis,
    steps: d.steps.map((s) => ({
      kind: s.kind,
      role: s.role,
      agency: s.agencyMode === 'fixed' && s.agencyId !== null ? String(s.agencyId) : 'receiving',
      share: s.sharePercent.toFixed(2),
      name: s.name,
      nameEn: s.nameEn ?? '',
    })),
  };
}

function draftOfClean(c: CleanDraft): ProcessDraft {
  return {
    name: c.name,
    legalBasis: c.legalBasis,
    steps: c.steps.map((s) => ({ kind: s.kind, role: s.role, agency: s.agencyId === null ? 'receiving' : String(s.agencyId), share: s.sharePercent, name: s.name, nameEn: s.nameEn ?? '' })),
  };
}

/** The duration the shares of a procedure's process divide: the online channel's, else in person, else by post. */
export function durationOf(content: unknown): StatutoryDuration | null {
  for (const channel of durationChannels) {
    const duration = statutoryDurationFor(content, channel);
    if (duration) return duration;
  }
  return null;
}

function isSystemAdmin(actor: SessionUser): boolean {
  return actor.kind === 'officer' && actor.roles.includes('system_admin');
}

/** Agency administrators edit their own agency's scope; system administrators every scope, the default included. */
function mayEdit(actor: SessionUser, scopeAgencyId: number | null): boolean {
  if (isSystemAdmin(actor)) return true;
  return actor.kind === 'officer' && scopeAgencyId !== null && actor.agencyId === scopeAgencyId && actor.roles.includes('agency_admin');
}

function requireEdit(actor: SessionUser, scopeAgencyId: number | null): void {
  if (!mayEdit(actor, scopeAgencyId)) throw new DomainError(ProcessErrors.editForbidden);
}

/** Shares of the built-in process, in percent: receive, handle, approve, return. */
const builtInShares = [10, 60, 20, 10] as const;
const builtInSteps: { kind: ProcessStepKind; role: ProcessRole }[] = [
  { kind: 'receive', role: 'desk' },
  { kind: 'handle', role: 'handler' },
  { kind: 'approve', role: 'leader' },
  { kind: 'return', role: 'desk' },
];

/**
 * The process of a procedure nobody has defined one for: the desk receives, a handler of the receiving agency
 * handles, its leader approves, the desk returns the result. Step ids are 0 (no stored step).
 */
export function builtInProcess(procedureId: number): ProcessDefinition {
  const vi = translator('vi');
  const en = translator('en');
  return {
    id: null,
    procedureId,
    agencyId: null,
    version: 0,
    name: vi('workflow.process.builtIn.name'),
    legalBasis: '',
    steps: builtInSteps.map((s, index) => ({
      id: 0,
      position: index + 1,
      kind: s.kind,
      role: s.role,
      agencyMode: 'receiving',
      agencyId: null,
      sharePercent: builtInShares[index]!,
      name: vi(`workflow.process.builtIn.step.${s.kind}`),
      nameEn: en(`workflow.process.builtIn.step.${s.kind}`),
    })),
  };
}
