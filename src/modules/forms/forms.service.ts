import { DomainError } from '../../platform/errors/errors.js';
import { type PreviousAnswers, formBundle, type FormBundle, type ProfileReader } from './forms.bundle.js';
import { parseDefinition } from './forms.definition.js';
import { FormsErrors } from './forms.errors.js';
import { genericDefinition, type GenericProcedure } from './forms.generic.js';
import { provincesInValues, type FormLookups, type FormValues, type UnitOption } from './forms.model.js';
import type { FormsRepository } from './forms.repository.js';
import type { FormDefinition } from './forms.schema.js';

/** Where the catalogue content of a procedure comes from (the repository's read of the catalogue tables). */
export interface ProcedureContentSource {
  procedureContent(procedureCode: string, procedureVersionId?: number): Promise<(GenericProcedure & { onlineOffered: boolean }) | undefined>;
}

/** What address pickers need from the administrative-units service (admin module's UnitsService fits). */
export interface UnitsSource {
  listProvinces(): Promise<{ code: string; fullName: string; fullNameEn: string | null }[]>;
  listCommunes(provinceCode: string): Promise<{ code: string; fullName: string; fullNameEn: string | null }[]>;
}

function option(unit: { code: string; fullName: string; fullNameEn: string | null }): UnitOption {
  return { code: unit.code, name: unit.fullName, nameEn: unit.fullNameEn };
}

/** Finds the e-form of a procedure and the lists its pages need. */
const UNITS_TTL_MS = 10 * 60_000;

export class FormsService {
  private readonly definitions = new Map<string, FormDefinition>();
  private unitsCache: { provinces: Promise<UnitOption[]>; communes: Map<string, Promise<UnitOption[]>>; at: number } | null = null;

  constructor(
    private readonly repository: FormsRepository,
    private readonly procedures: ProcedureContentSource,
    private readonly units: UnitsSource,
    private readonly profiles?: ProfileReader,
    private readonly previous?: PreviousAnswers,
  ) {}

  /** The form of a procedure with what dossier submission needs around it (prefill, checks, applicant). */
  async bundleFor(procedureCode: string, procedureVersionId?: number, stamp?: string | null): Promise<FormBundle> {
    const definition = await this.definitionFor(procedureCode, procedureVersionId, stamp);
    return formBundle(definition, {
      ...(this.profiles ? { profiles: this.profiles } : {}),
      ...(this.previous ? { previous: this.previous } : {}),
      lookups: (d, values) => this.lookupsFor(d, values),
    });
  }

  /**
   * The form to fill for a procedure: its latest stored definition, or else a generic one built from the
   * catalogue's required documents of `procedureVersionId` (the current version when omitted). Throws
   * FORM_PROCEDURE_UNKNOWN when there is neither.
   *
   * `stamp` is what the caller's own query read of the latest stored form (`latestFormStamp`; null: none stored):
   * a definition already parsed under that stamp is returned without a round trip to the database. Without it the
   * latest one is read.
   */
  async definitionFor(procedureCode: string, procedureVersionId?: number, stamp?: string | null): Promise<FormDefinition> {
    const known = stamp ? this.definitions.get(`${procedureCode}:${stamp}`) : undefined;
    if (known) return known;
    const stored = stamp === null ? undefined : await this.repository.latest(procedureCode);
    if (stored) {
      // Every page of the wizard needs the definition: the schema check runs once per stored version and edit.
      const key = `${procedureCode}:${stored.stamp}`;
      const cached = this.definitions.get(key);
      if (cached) return cached;
      const definition = parseDefinition(stored.definition);
      if (this.definitions.size > 5000) this.definitions.clear();
      this.definitions.set(key, definition);
      return definition;
    }
    const procedure = await this.procedures.procedureContent(procedureCode, procedureVersionId);
    if (!procedure) throw new DomainError(FormsErrors.procedureUnknown, { params: { code: procedureCode } });
    return genericDefinition(procedure);
  }

  /** One stored version of a procedure's form (to re-open an old dossier exactly as it was filled). */
  async storedDefinition(procedureCode: string, version: number): Promise<FormDefinition> {
    const stored = await this.repository.byVersion(procedureCode, version);
    if (!stored) throw new DomainError(FormsErrors.procedureUnknown, { params: { code: procedureCode } });
    return parseDefinition(stored.definition);
  }

  async storedForms(): Promise<{ procedureCode: string; version: number; title: string; updatedAt: Date }[]> {
    return this.repository.list();
  }

  /**
   * Provinces, and the communes of every province chosen in the values' addresses (a page's pickers, or the
   * names in a summary). A province code that does not exist gets no communes, and validation says so.
   */
  async lookupsFor(definition: FormDefinition, values: FormValues): Promise<FormLookups> {
    // Units change only when an administrator loads a new edition: kept in memory for ten minutes.
    if (!this.unitsCache || Date.now() - this.unitsCache.at > UNITS_TTL_MS) {
      const provincesPromise = this.units.listProvinces().then((rows) => rows.map(option));
      provincesPromise.catch(() => (this.unitsCache = null));
      this.unitsCache = { provinces: provincesPromise, communes: new Map(), at: Date.now() };
    }
    const cache = this.unitsCache;
    const provinces = await cache.provinces;
    const communes: FormLookups['communes'] = {};
    for (const code of provincesInValues(definition, values)) {
      if (!provinces.some((p) => p.code === code)) continue;
      let list = cache.communes.get(code);
      if (!list) {
        list = this.units.listCommunes(code).then((rows) => rows.map(option));
        list.catch(() => cache.communes.delete(code));
        cache.communes.set(code, list);
      }
      communes[code] = await list;
    }
    return { provinces, communes };
  }
}
