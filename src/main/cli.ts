import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import cliProgress from 'cli-progress';
import { loadConfig } from '../platform/config/config.js';
import { openDatabase, type Database } from '../platform/db/database.js';
import { migrate } from '../platform/db/migrate.js';
import { AUDIT_STREAMS, verifyAuditChain } from '../platform/audit/index.js';
import { DomainError } from '../platform/errors/errors.js';
import { translator } from '../platform/i18n/i18n.js';
import { importCatalogue } from '../modules/catalogue/index.js';
import { createAgencyService, createUsersService, importUnits } from '../modules/admin/index.js';
import { openJobQueue } from '../platform/jobs/queue.js';
import { createLogger } from '../platform/logging/logger.js';
import { sendCatalogueImport } from './jobs.js';
import { loadDemoData } from './seed.js';
import { encryptPersonalData } from './encrypt-personal-data.js';
import { ensureDemoKeys, provisionDemoKeys, rootCertificateFile } from '../modules/signatures/index.js';

const usage = `motcua <command> [options]

Commands:
  migrate                           apply pending database migrations
  import-units [--dir DIR]          load an edition of administrative units (default: data/administrative-units)
      [--name NAME --legal-basis TEXT --effective-from YYYY-MM-DD --communes FILE --provinces FILE --units FILE]
  import-catalogue [--file FILE]    load the national procedure catalogue (gzip JSON lines); idempotent
  enqueue-import [--file FILE]      queue a catalogue import for the worker processes (background job)
  seed                              load units, catalogue and the demo province with its accounts
  create-user --kind citizen|officer --username NAME --name "Display name"
      [--agency AGENCY_CODE] [--roles desk,handler,leader,agency_admin,system_admin]
      The password is read from MOTCUA_PASSWORD, or generated and printed once.
  ca:init                           demo signing keys in SIGNING_KEYS_DIR: a demo root CA (made once) and a
                                    PKCS#12 for every leader and every agency's seal that has none yet
  ca:issue --leader USERNAME | --seal AGENCY_CODE
                                    a demo PKCS#12 for one leader or one agency's seal (kept if present)
  keys:rotate                       a new data-encryption key becomes current (personal data sealed from now on
                                    uses it; older keys keep decrypting what they sealed)
  keys:rewrap                       re-wrap every data key and the index key under the current master key (the
                                    first of DATA_ENCRYPTION_KEYS) after a master key change; then the old master
                                    key may be removed from DATA_ENCRYPTION_KEYS
  data:encrypt [--batch N]          seal the identity and phone numbers still in plaintext (rows written before
                                    encryption at rest) and fill their blind indexes; renames accounts named by a
                                    phone to the blind-index name; idempotent, resumable, N rows a transaction
                                    (default 2000), safe to run on several machines at once; prints counts per table
  audit:verify                      check the hash chain of the audit trail; exits 1 and names the first
                                    broken link (stream, sequence, row id) if a row was edited, removed or added

The database is DATABASE_URL, or the embedded one under DATA_DIR (default ./.data).`;

async function withDatabase<T>(fn: (database: Database) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const database = await openDatabase({ url: config.databaseUrl, dataDir: config.dataDir, poolSize: 2, masterKeys: config.dataEncryptionKeys });
  try {
    await migrate(database);
    return await fn(database);
  } finally {
    await database.close();
  }
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  const config = loadConfig();
  switch (command) {
    case 'migrate': {
      const database = await openDatabase({ url: config.databaseUrl, dataDir: config.dataDir, poolSize: 2, masterKeys: config.dataEncryptionKeys });
      try {
        const result = await migrate(database);
        console.log(result.applied.length ? `applied: ${result.applied.join(', ')}` : `up to date (${result.alreadyApplied} migrations)`);
      } finally {
        await database.close();
      }
      return 0;
    }
    case 'import-units': {
      const { values } = parseArgs({
        args: rest,
        options: {
          dir: { type: 'string' },
          name: { type: 'string' },
          'legal-basis': { type: 'string' },
          'effective-from': { type: 'string' },
          communes: { type: 'string' },
          provinces: { type: 'string' },
          units: { type: 'string' },
        },
      });
      const custom = values.name
        ? {
            name: values.name,
            legalBasis: values['legal-basis'] ?? '',
            effectiveFrom: values['effective-from'] ?? '',
            files: {
              ...(values.provinces ? { provinces: values.provinces } : {}),
              ...(values.communes ? { communes: values.communes } : {}),
              ...(values.units ? { units: values.units } : {}),
            },
          }
        : undefined;
      const result = await withDatabase((database) =>
        importUnits(database, { dir: resolve(values.dir ?? config.unitsDir), ...(custom ? { edition: custom } : {}) }),
      );
      console.log(
        `edition ${result.edition}${result.created ? ' (new)' : ' (replaced)'}${result.current ? ', current' : ''}: ` +
          `${result.provinces} provinces, ${result.communes} communes in ${Math.round(result.durationMs)} ms`,
      );
      const d = result.differences;
      console.log(
        `source differences: ${d.codes.length} code, ${d.kinds.length} kind, ${d.onlyInPrimary.length} only in the list, ` +
          `${d.onlyInSecondary.length} only in the JSON, ${d.spellingVariants} spelling variants`,
      );
      for (const c of d.codes) console.log(`  ${c.fullName} (${c.provinceCode}): ${c.primaryCode} → ${c.secondaryCode}`);
      return 0;
    }
    case 'import-catalogue': {
      const { values } = parseArgs({ args: rest, options: { file: { type: 'string' } } });
      const file = resolve(values.file ?? config.catalogueFile);
      const bar = new cliProgress.SingleBar({ format: 'catalogue [{bar}] {value} records', hideCursor: true }, cliProgress.Presets.shades_classic);
      bar.start(2700, 0);
      const outcome = await withDatabase((database) => importCatalogue(database.db, { file, onProgress: (done) => bar.update(done) }));
      bar.setTotal(outcome.read);
      bar.update(outcome.read);
      bar.stop();
      console.log(`${outcome.read} read: ${outcome.created} new, ${outcome.updated} updated, ${outcome.unchanged} unchanged in ${outcome.millis} ms`);
      console.log(outcome.report.format());
      return 0;
    }
    case 'enqueue-import': {
      const { values } = parseArgs({ args: rest, options: { file: { type: 'string' } } });
      const file = resolve(values.file ?? config.catalogueFile);
      const id = await withDatabase(async (database) => {
        const queue = openJobQueue(database, createLogger('warn'));
        await queue.start();
        try {
          return await sendCatalogueImport(queue, file);
        } finally {
          await queue.stop({ graceful: true });
        }
      });
      console.log(`queued catalogue import of ${file} as job ${id}`);
      return 0;
    }
    case 'seed': {
      const data = await withDatabase((database) => loadDemoData(database, config));
      for (const a of data.accounts) console.log(`  ${a.username}  ${a.password}  ${a.role}${a.agencyName ? ` — ${a.agencyName}` : ''}`);
      return 0;
    }
    case 'create-user': {
      const { values } = parseArgs({
        args: rest,
        options: {
          kind: { type: 'string' },
          username: { type: 'string' },
          name: { type: 'string' },
          agency: { type: 'string' },
          roles: { type: 'string' },
        },
      });
      if ((values.kind !== 'citizen' && values.kind !== 'officer') || !values.username || !values.name) {
        console.error(usage);
        return 2;
      }
      const generated = !process.env.MOTCUA_PASSWORD;
      const password = process.env.MOTCUA_PASSWORD ?? randomBytes(12).toString('base64url');
      const kind = values.kind;
      const user = await withDatabase(async (database) => {
        const agencyId = values.agency ? (await createAgencyService(database).getByCode(values.agency)).id : undefined;
        return createUsersService(database).create({
          kind,
          username: values.username!,
          displayName: values.name!,
          password,
          ...(agencyId !== undefined ? { agencyId } : {}),
          roles: values.roles ? values.roles.split(',').map((r) => r.trim()) : [],
        });
      });
      console.log(`created ${kind} ${user.username} (id ${user.id})${generated ? `, password: ${password}` : ''}`);
      return 0;
    }
    case 'ca:init': {
      const written = await withDatabase((database) => provisionDemoKeys(database, config.signingKeysDir, config.signingKeysPassword));
      console.log(`demo root CA: ${resolve(config.signingKeysDir, rootCertificateFile)}; ${written.length} new key files`);
      for (const file of written) console.log(`  ${file}`);
      return 0;
    }
    case 'ca:issue': {
      const { values } = parseArgs({ args: rest, options: { leader: { type: 'string' }, seal: { type: 'string' } } });
      if (!values.leader === !values.seal) {
        console.error(usage);
        return 2;
      }
      const written = await withDatabase(async (database) => {
        const agencies = createAgencyService(database);
        if (values.seal) {
          const agency = await agencies.getByCode(values.seal);
          return ensureDemoKeys(config.signingKeysDir, config.signingKeysPassword, [{ identity: { kind: 'seal', agencyCode: agency.code }, commonName: agency.name, organization: agency.name }]);
        }
        const user = await createUsersService(database).getByUsername(values.leader!);
        const organization = user.agencyId ? (await database.db.selectFrom('agency').select('name').where('id', '=', user.agencyId).executeTakeFirst())?.name : undefined;
        return ensureDemoKeys(config.signingKeysDir, config.signingKeysPassword, [{ identity: { kind: 'leader', userId: user.id }, commonName: user.displayName, organization: organization ?? 'Motcua' }]);
      });
      console.log(written.length > 0 ? `issued ${written[0]}` : 'a key file already exists (delete it to issue a new one)');
      return 0;
    }
    case 'keys:rotate': {
      const id = await withDatabase((database) => database.cipher.rotate());
      console.log(`data key ${id} is now current; processes on PostgreSQL take it within a minute`);
      return 0;
    }
    case 'keys:rewrap': {
      const count = await withDatabase((database) => database.cipher.rewrap());
      console.log(`${count} keys rewrapped under master key ${config.dataEncryptionKeys[0]!.id}`);
      return 0;
    }
    case 'data:encrypt': {
      const { values } = parseArgs({ args: rest, options: { batch: { type: 'string' } } });
      const batchSize = values.batch === undefined ? undefined : Number(values.batch);
      if (batchSize !== undefined && !(Number.isInteger(batchSize) && batchSize > 0)) {
        console.error(usage);
        return 2;
      }
      const outcomes = await withDatabase((database) => encryptPersonalData(database, batchSize === undefined ? {} : { batchSize }));
      for (const o of outcomes) {
        console.log(`${o.table}: ${o.changed} rows sealed`);
        for (const note of o.notes) console.log(`  ${note}`);
      }
      console.log(`total: ${outcomes.reduce((sum, o) => sum + o.changed, 0)} rows sealed`);
      return 0;
    }
    case 'audit:verify': {
      const report = await withDatabase((database) => verifyAuditChain(database.db));
      if (report.ok) {
        console.log(`audit trail intact: ${report.checked} events in ${AUDIT_STREAMS} streams`);
        return 0;
      }
      for (const b of report.breaks) console.error(`broken: stream ${b.stream}, sequence ${b.seq}, row id ${b.id}: ${b.reason}`);
      const first = report.firstBreak!;
      console.error(`first broken link: row id ${first.id} (stream ${first.stream}, sequence ${first.seq}): ${first.reason}`);
      return 1;
    }
    default:
      console.log(usage);
      return command === undefined || command === 'help' || command === '--help' ? 0 : 2;
  }
}

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (error) {
  if (error instanceof DomainError) {
    console.error(`${error.code}: ${translator('en')(error.messageKey, error.details.params)}`);
    process.exitCode = 1;
  } else throw error;
}
