import type { KyselyPlugin, PluginTransformQueryArgs, PluginTransformResultArgs, QueryResult, RootOperationNode, UnknownRow } from 'kysely';
import { isSealed } from './envelope.js';
import type { FieldCipher } from './field-cipher.js';

/**
 * Opens the sealed values inside the dossier snapshots every module reads — result columns named `values` (e-form
 * answers of dossiers and drafts) and `applicant` (its `personalId` and `phone`) — whatever query selected them,
 * so the workflow, payments, signatures and export code that read a dossier see plaintext without each holding
 * the cipher. Other sealed columns (profile, outbox, codes) are opened by their own repositories.
 *
 * Writers guarantee every `pd1.` string under `values` is a real sealed value: a typed answer that merely looks
 * like one is sealed too (dossiers/personal-fields.ts), so opening never trips on user input.
 */
export class OpenSealedSnapshotsPlugin implements KyselyPlugin {
  constructor(private readonly cipher: () => FieldCipher) {}

  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    return args.node;
  }

  async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    const rows = args.result.rows;
    if (rows.length === 0 || !rows.some((r) => hasSnapshot(r))) return args.result;
    const cipher = this.cipher();
    const opened = await Promise.all(
      rows.map(async (row) => {
        if (!hasSnapshot(row)) return row;
        const out: UnknownRow = { ...row };
        if (row.values && typeof row.values === 'object') out.values = await openDeep(cipher, row.values);
        if (row.applicant && typeof row.applicant === 'object') {
          const a = { ...(row.applicant as Record<string, unknown>) };
          for (const key of ['personalId', 'phone']) if (typeof a[key] === 'string') a[key] = await cipher.open(a[key] as string);
          out.applicant = a;
        }
        return out;
      }),
    );
    return { ...args.result, rows: opened };
  }
}

function hasSnapshot(row: UnknownRow): boolean {
  return (row.values !== null && typeof row.values === 'object') || (row.applicant !== null && typeof row.applicant === 'object');
}

/** Every sealed string in plain data (objects and arrays) opened; everything else as it is. */
export function openDeep(cipher: FieldCipher, value: unknown): Promise<unknown> {
  return mapStrings(value, (text) => (isSealed(text) ? cipher.open(text) : Promise.resolve(text)));
}

/**
 * Plain data (objects and arrays, as in a jsonb document) with `fn` applied to every string in it; dates, buffers
 * and other values as they are. The one walk behind opening (here) and sealing (dossiers/personal-fields.ts).
 */
export async function mapStrings(value: unknown, fn: (text: string) => Promise<string>): Promise<unknown> {
  if (typeof value === 'string') return fn(value);
  if (Array.isArray(value)) return Promise.all(value.map((v) => mapStrings(v, fn)));
  if (value && typeof value === 'object' && !(value instanceof Date) && !Buffer.isBuffer(value)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = await mapStrings(v, fn);
    return out;
  }
  return value;
}
