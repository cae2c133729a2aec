// `npm run bench` (a few minutes) or `npm run bench:quick` (about a minute): runs every benchmark once, prints the
// results and writes them into docs/benchmarks.md between the markers below. Benchmarks are not tests: they
// never fail on a figure, they report it. Set DATABASE_URL to measure on a PostgreSQL server instead of PGlite.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, release, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { startTestServer, type TestServer } from '../e2e/support/server.js';
import { measureBaseline } from './baseline.js';
import { benchCatalogueSearch } from './catalogue-search.js';
import type { HttpSettings } from './http.js';
import { benchLookup } from './lookup.js';
import { table } from './stats.js';
import { benchSubmission } from './submission.js';
import { benchSignatures } from './signatures.js';
import { benchReceipt } from './receipt.js';
import { parseScale, seedDossiers, seedTasks } from './seed-dossiers.js';
import { benchInbox } from './inbox.js';
import { benchNotifications } from './notifications.js';
import { benchIndicators } from './indicators.js';

const docPath = fileURLToPath(new URL('../docs/benchmarks.md', import.meta.url));
const beginMarker = '<!-- bench:begin — written by `npm run bench`; edits between these markers are overwritten -->';
const endMarker = '<!-- bench:end -->';

interface Mode {
  name: 'full' | 'quick';
  http: HttpSettings;
  searchRounds: number;
  searchWarmupRounds: number;
  submissions: number;
  submissionConcurrency: number;
}

const modes: Record<Mode['name'], Mode> = {
  full: { name: 'full', http: { connections: 10, durationSeconds: 10, warmupSeconds: 2 }, searchRounds: 100, searchWarmupRounds: 5, submissions: 1000, submissionConcurrency: 16 },
  quick: { name: 'quick', http: { connections: 10, durationSeconds: 2, warmupSeconds: 0.5 }, searchRounds: 20, searchWarmupRounds: 2, submissions: 100, submissionConcurrency: 16 },
};

function readPackageVersion(name: string): string {
  try {
    const path = fileURLToPath(new URL(`../node_modules/${name}/package.json`, import.meta.url));
    return (JSON.parse(readFileSync(path, 'utf8')) as { version?: string }).version ?? '?';
  } catch {
    return '?';
  }
}

async function databaseDescription(fixture: TestServer): Promise<string> {
  const row = await sql<{ version: string }>`select version() as version`.execute(fixture.database.db);
  const version = (row.rows[0]?.version ?? '').split(/ on | \(|,/)[0]?.trim() ?? 'unknown';
  return fixture.database.kind === 'embedded'
    ? `PGlite ${readPackageVersion('@electric-sql/pglite')} in memory (${version})`
    : `${version} server (DATABASE_URL), pool of ${fixture.config.databasePoolSize}`;
}

function machineTable(database: string, mode: Mode, loadSeconds: number): string {
  const cpuList = cpus();
  return table(
    ['run', 'value'],
    [
      ['date', new Date().toISOString().replace(/\.\d+Z$/, 'Z')],
      ['CPU', `${cpuList[0]?.model.trim() ?? 'unknown'} × ${cpuList.length} logical cores`],
      ['memory', `${(totalmem() / 1024 ** 3).toFixed(1)} GiB`],
      ['system', `${process.platform} ${release()}`],
      ['Node.js', process.version],
      ['database', database],
      ['Fastify / autocannon', `${readPackageVersion('fastify')} / ${readPackageVersion('autocannon')}`],
      [
        'mode',
        `${mode.name}: HTTP ${mode.http.connections} connections × ${mode.http.durationSeconds} s after ${mode.http.warmupSeconds} s warm-up, ` +
          `load generator in its own process on the same machine; request logging off`,
      ],
      ['demo data load', `${loadSeconds.toFixed(1)} s (migrations, units, catalogue, demo province)`],
    ],
  );
}

/** Replaces the section between the markers, or appends it (creating the document when needed). */
function writeSection(section: string): void {
  const block = `${beginMarker}\n${section}\n${endMarker}`;
  const intro = [
    '# Benchmarks',
    '',
    'Measured by `npm run bench` (`npm run bench:quick` for a short run; set `DATABASE_URL` to use a PostgreSQL',
    'server instead of the embedded PGlite). The load generator shares the machine with the server, so compare',
    'the ratios to the bare Fastify route measured in the same run, not absolute figures across machines or runs.',
    '',
  ].join('\n');
  const current = existsSync(docPath) ? readFileSync(docPath, 'utf8') : `${intro}\n`;
  const begin = current.indexOf('<!-- bench:begin');
  const end = current.indexOf(endMarker);
  const next =
    begin >= 0 && end > begin
      ? `${current.slice(0, begin)}${block}${current.slice(end + endMarker.length)}`
      : `${current.trimEnd()}\n\n${block}\n`;
  writeFileSync(docPath, next);
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const mode = args.includes('--quick') ? modes.quick : modes.full;
  const write = !args.includes('--no-write');
  const started = performance.now();
  const progress = (line: string) => process.stderr.write(`[bench ${((performance.now() - started) / 1000).toFixed(0).padStart(3)} s] ${line}\n`);

  progress(`mode ${mode.name}; loading the demo data (${process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite'})…`);
  // Benchmarks load the search, lookup and submission routes far beyond the per-address limits that protect production.
  const fixture = await startTestServer({ config: { searchRateLimit: '1000000000', lookupRateLimit: '1000000000', authRateLimit: '1000000000' } });
  try {
    const database = await databaseDescription(fixture);
    progress(`${database}; ${fixture.demo.catalogue.read} procedures loaded in ${fixture.loadSeconds.toFixed(1)} s`);

    progress('baseline: bare Fastify route…');
    const baseline = await measureBaseline(mode.http);
    // --only=submission or --only=lookup: one benchmark, for quick iterations (combine with --no-write).
    const only = args.find((a) => a.startsWith('--only='))?.slice('--only='.length) ?? null;
    const runs = (name: string) => only === null || only === name;
    progress('catalogue search: service, select 1, HTTP…');
    const catalogue = !runs('catalogue') ? { markdown: '' } : await benchCatalogueSearch({
      fixture,
      http: mode.http,
      baseline: baseline.result,
      rounds: mode.searchRounds,
      warmupRounds: mode.searchWarmupRounds,
    });

    progress('submission: raw inserts, service, HTTP…');
    const submission = !runs('submission') ? { markdown: '' } : await benchSubmission({ fixture, submissions: mode.submissions, concurrency: mode.submissionConcurrency });
    const scaleArg = args.find((a) => a.startsWith('--scale='));
    let scaleLine = '';
    if (scaleArg) {
      const count = parseScale(scaleArg.slice('--scale='.length));
      progress(`generating ${count.toLocaleString('en')} dossiers…`);
      const seeded = await seedDossiers(fixture.database.db, count, (done) => progress(`  ${done.toLocaleString('en')} dossiers`));
      // Only the inbox reads tasks: without it (e.g. --only=indicators) the 1.67 tasks per dossier are not generated.
      if (runs('inbox')) {
        progress('generating their workflow tasks…');
        const seededTasks = await seedTasks(fixture.database.db, (done) => progress(`  tasks of ${done.toLocaleString('en')} dossiers`));
        progress(`  ${seededTasks.rows.toLocaleString('en')} tasks in ${seededTasks.seconds.toFixed(0)} s`);
      }
      scaleLine = `Dossier table at scale: ${count.toLocaleString('en')} generated dossiers (${seeded.rows.toLocaleString('en')} inserted in ${seeded.seconds.toFixed(0)} s, ${Math.round(seeded.rows / Math.max(seeded.seconds, 0.001)).toLocaleString('en')} rows/s); the lookup below runs against it.`;
    }
    progress('public lookup: service, HTTP…');
    progress('e-receipts: PDF rendering, crediting…');
    const receipts = !runs('receipt') ? { markdown: '' } : await benchReceipt({ fixture, renders: mode.name === 'quick' ? 50 : 300, credits: mode.name === 'quick' ? 40 : 200, concurrency: 8 });
    const lookup = !runs('lookup') ? { markdown: '' } : await benchLookup({ fixture, http: mode.http, baseline: baseline.result, dossiers: 20, rounds: mode.searchRounds, warmupRounds: mode.searchWarmupRounds });

    progress('officers’ inbox and transitions…');
    const inbox = !runs('inbox') ? { markdown: '' } : await benchInbox({ fixture, rounds: mode.searchRounds * 2, warmup: mode.searchWarmupRounds * 2, transitions: mode.name === 'quick' ? 100 : 400, concurrency: 8 });

    progress('indicators: materialisation, dashboard…');
    const indicators = !runs('indicators') ? { markdown: '' } : await benchIndicators({ fixture, rounds: mode.searchRounds });

    progress('notifications: outbox → sandbox (SMTP, SMS, Zalo) vs the adapters alone…');
    const notificationRun = !runs('notifications') ? { markdown: '' } : await benchNotifications({ fixture, messages: mode.name === 'quick' ? 300 : 2000, batchSize: 20 });

    progress('signed results: PAdES signatures, rendering, verification…');
    const signed = await benchSignatures({ rounds: mode.name === 'quick' ? 50 : 300 });

    const section = [
      `## Latest run (${mode.name})`,
      '',
      machineTable(database, mode, fixture.loadSeconds),
      '',
      '### Baseline',
      '',
      baseline.markdown,
      '',
      catalogue.markdown,
      '',
      submission.markdown,
      '',
      ...(scaleLine ? [scaleLine, ''] : []),
      lookup.markdown,
      '',
      inbox.markdown,
      '',
      indicators.markdown,
      '',
      signed.markdown,
      '',
      receipts.markdown,
      '',
      notificationRun.markdown,
      '',
      `Run time: ${((performance.now() - started) / 1000).toFixed(0)} s.`,
    ].join('\n');
    process.stdout.write(`${section}\n`);
    if (write) {
      writeSection(section);
      progress(`written to ${docPath}`);
    }
  } finally {
    await fixture.close();
  }
}

await main();
