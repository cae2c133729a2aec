import { DomainError } from '../../platform/errors/errors.js';
import { AdminErrors } from './admin.errors.js';
import type { EditionRow, UnitRow, UnitsRepository } from './units.repository.js';

/** A province or commune as other modules see it (address pickers, agency links, dossier addresses). */
export interface AdministrativeUnitView {
  /** Code from Decision 19/2025/QĐ-TTg: two digits for a province, five for a commune. */
  code: string;
  /** Short name, e.g. "Hoa Lư". */
  name: string;
  /** Name with its kind, e.g. "Phường Hoa Lư". */
  fullName: string;
  nameEn: string | null;
  fullNameEn: string | null;
  /** Tỉnh, Thành phố, Phường, Xã or Đặc khu. */
  kind: string;
  level: 'province' | 'commune';
  /** The unit's own code for a province, its province's code for a commune. */
  provinceCode: string;
}

export interface UnitEditionView {
  id: number;
  name: string;
  legalBasis: string;
  source: string;
  /** YYYY-MM-DD */
  effectiveFrom: string;
  loadedAt: Date;
}

// Vietnamese alphabetical order (Đ after D, tones after the bare letter) regardless of the database's collation.
const collator = new Intl.Collator('vi', { sensitivity: 'base', numeric: true });

/** Read access to the current edition of administrative units; editions are written by `importUnits`. */
export class UnitsService {
  constructor(private readonly units: UnitsRepository) {}

  /** The edition every query answers from, or null before the first import. */
  async currentEdition(): Promise<UnitEditionView | null> {
    const row = await this.units.currentEdition();
    return row ? presentEdition(row) : null;
  }

  /** The 34 provinces in code order (the order of the official list). */
  async listProvinces(): Promise<AdministrativeUnitView[]> {
    const rows = await this.units.listCurrentProvinces();
    if (rows.length === 0) await this.requireEdition();
    return rows.map(presentUnit);
  }

  /** Communes, wards and special zones of one province, in Vietnamese alphabetical order of their names. */
  async listCommunes(provinceCode: string): Promise<AdministrativeUnitView[]> {
    const province = await this.units.findCurrentUnit(provinceCode);
    if (!province || province.level !== 'province') {
      await this.requireEdition();
      throw new DomainError(AdminErrors.unitNotFound, { params: { code: provinceCode } });
    }
    const rows = await this.units.listCurrentCommunes(provinceCode);
    return rows.map(presentUnit).sort((a, b) => collator.compare(a.name, b.name) || collator.compare(a.fullName, b.fullName));
  }

  async getUnit(code: string): Promise<AdministrativeUnitView> {
    const row = await this.units.findCurrentUnit(code);
    if (!row) {
      await this.requireEdition();
      throw new DomainError(AdminErrors.unitNotFound, { params: { code } });
    }
    return presentUnit(row);
  }

  /** Like getUnit, but null when the code is unknown. */
  async findUnit(code: string): Promise<AdministrativeUnitView | null> {
    const row = await this.units.findCurrentUnit(code);
    return row ? presentUnit(row) : null;
  }

  private async requireEdition(): Promise<void> {
    if (!(await this.units.currentEdition())) throw new DomainError(AdminErrors.unitsNotLoaded);
  }
}

export function presentUnit(row: UnitRow): AdministrativeUnitView {
  return {
    code: row.code,
    name: row.name,
    fullName: row.full_name,
    nameEn: row.name_en,
    fullNameEn: row.full_name_en,
    kind: row.kind,
    level: row.level,
    provinceCode: row.level === 'province' ? row.code : (row.parent_code ?? ''),
  };
}

function presentEdition(row: EditionRow): UnitEditionView {
  return {
    id: row.id,
    name: row.name,
    legalBasis: row.legal_basis,
    source: row.source,
    effectiveFrom: row.effective_from,
    loadedAt: row.loaded_at instanceof Date ? row.loaded_at : new Date(row.loaded_at),
  };
}
