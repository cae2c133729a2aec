// Submission throughput: how many online dossiers (a 2 KB e-form and a 100 KB PDF) the portal accepts per second,
// through the service and over HTTP, next to raw inserts through the same database handle in transactions of the
// same shape. Run by bench/run.ts; when started directly with `--http-client` it is the HTTP load generator (its
// own process, like load-client.ts: the server keeps the bench process's event loop for itself).
import { spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { PDFDocument } from 'pdf-lib';
import { PNG } from 'pngjs';
import type { TestServer } from '../e2e/support/server.js';
import { createUsersService } from '../src/modules/admin/index.js';
import { DossierRepository, createSubmissionService, inspectUpload, type SubmissionService } from '../src/modules/dossiers/index.js';
import { createFormsService, type FormValues } from '../src/modules/forms/index.js';
import { createIdentityServices } from '../src/modules/identity/index.js';
import { csrfTokenIn } from '../src/modules/identity/testing.js';
import { createNotificationService } from '../src/modules/notifications/index.js';
import type { Database } from '../src/platform/db/database.js';
import type { SessionUser } from '../src/platform/http/auth.js';
import { createStorage, newStorageKey, type FileStorage } from '../src/platform/storage/index.js';
import { integer, ms, percentiles, ratio, table, type Percentiles } from './stats.js';

/** What the portal aims at, per second, for submissions to one agency on one machine. */
export const submissionTargetPerSecond = 500;

const FORM_BYTES = 2048;
const FILE_BYTES = 100 * 1024;

export interface SubmissionBenchOptions {
  fixture: TestServer;
  /** Submissions per measured run (each run also has a tenth of that as warm-up). */
  submissions: number;
  /** Submissions in flight at once (service calls, baseline transactions, HTTP connections). */
  concurrency: number;
}

export interface SubmissionBenchOutcome {
  markdown: string;
  rows: Measured[];
}

interface Measured {
  name: string;
  count: number;
  perSecond: number;
  latency: Percentiles;
  errors: number;
  /** CPU time of this (the server's) process per operation, in ms. */
  appCpuMs: number;
  /** CPU time of the whole machine (this process, the database, the load generator) per operation, in ms. */
  machineCpuMs: number | null;
}

/** Busy time of all cores so far, in ms (user, nice, sys, irq). */
function machineBusyMs(): number {
  return cpus().reduce((sum, c) => sum + c.times.user + c.times.nice + c.times.sys + c.times.irq, 0);
}

function appCpuMs(since: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1000;
}

/** Runs `count` operations, `concurrency` at a time; the rate is over the wall-clock time of the whole run. */
async function measure(name: string, count: number, concurrency: number, op: (i: number) => Promise<void>): Promise<Measured> {
  const latencies: number[] = [];
  let next = 0;
  let errors = 0;
  let firstError: unknown;
  const cpu = process.cpuUsage();
  const busy = machineBusyMs();
  const started = performance.now();
  await Promise.all(
    Array.from({ length: Math.min(concurrency, count) }, async () => {
      while (next < count) {
        const i = next++;
        const t0 = performance.now();
        try {
          await op(i);
          latencies.push(performance.now() - t0);
        } catch (error) {
          errors++;
          firstError ??= error;
        }
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const done = latencies.length;
  if (done === 0) throw new Error(`${name}: every operation failed`, { cause: firstError });
  return { name, count: done, perSecond: done / seconds, latency: percentiles(latencies), errors, appCpuMs: appCpuMs(cpu) / done, machineCpuMs: (machineBusyMs() - busy) / done };
}

/**
 * Form values of 1.010041 (residence confirmation) that pass validation, about 2 KB of JSON: the form's own text
 * fields filled to their maximum lengths (about 1.5 KB with the prefilled applicant), the rest in `extraNotes`, an
 * answer the form does not define (ignored by validation, stored with the dossier like any answer).
 */
function twoKilobyteValues(template: Record<string, unknown>): Record<string, unknown> {
  const fill = (text: string, length: number) => text.repeat(Math.ceil(length / text.length)).slice(0, length).trim();
  const values: Record<string, unknown> = {
    ...template,
    contents: ['permanent', 'temporary', 'current'],
    declaration: true,
    purpose: fill('Bổ sung hồ sơ xin việc tại công ty, cần xác nhận nơi cư trú hiện tại của bản thân. ', 500),
    householdHeadName: fill('Trần Văn Bình Nguyễn Thị Lan Phạm Minh Đức ', 100),
    relationshipToHead: fill('con đẻ của chủ hộ ', 40),
  };
  const size = () => Buffer.byteLength(JSON.stringify(values));
  if (size() < FORM_BYTES) {
    values.extraNotes = '';
    values.extraNotes = 'x'.repeat(FORM_BYTES - size());
  }
  return values;
}

/** A valid one-page PDF of about 100 KB, as a scanned document would be: a noisy (incompressible) image on a page. */
async function hundredKilobytePdf(): Promise<Uint8Array> {
  const build = async (side: number) => {
    const png = new PNG({ width: side, height: side, colorType: 2 });
    png.data = randomBytes(side * side * 4);
    const doc = await PDFDocument.create();
    const page = doc.addPage([595, 842]);
    const image = await doc.embedPng(PNG.sync.write(png, { colorType: 2 }));
    page.drawImage(image, { x: 50, y: 50, width: 495, height: 495 });
    return doc.save();
  };
  // Compression still finds a little in the noise: size once, then scale the image to the target.
  const guess = Math.floor(Math.sqrt(FILE_BYTES / 3));
  const first = await build(guess);
  return build(Math.round(guess * Math.sqrt(FILE_BYTES / first.byteLength)));
}

interface Setup {
  database: Database;
  submission: SubmissionService;
  repository: DossierRepository;
  storage: FileStorage;
  citizen: SessionUser;
  account: string;
  agencyIds: number[];
  values: Record<string, unknown>;
  pdf: Uint8Array;
  template: { procedureId: number; procedureVersionId: number; formVersion: string; expiresAt: Date };
}

async function setUp(fixture: TestServer): Promise<Setup> {
  const { database, config } = fixture;
  const account = fixture.demo.accounts.find((a) => a.role === 'citizen')!.username;
  const user = await createUsersService(database).getByUsername(account);
  const citizen: SessionUser = { id: user.id, kind: 'citizen', displayName: user.displayName, agencyId: null, roles: [] };
  const notifications = createNotificationService(database);
  const identity = createIdentityServices(database, { notifications, secret: config.sessionSecret });
  const repository = new DossierRepository(database.db, database.cipher);
  const forms = createFormsService(database, {
    profiles: identity.profiles,
    previous: async (userId, code) => (await repository.latestValues(userId, code)) as FormValues | null,
  });
  const submission = createSubmissionService(database, { forms, notifications, draftLifetimeDays: config.draftLifetimeDays });
  const procedure = await repository.procedureForSubmission('1.010041');
  if (!procedure) throw new Error('procedure 1.010041 is missing from the demo data');
  const agencyIds = (await repository.receivingAgencies(procedure.id)).map((a) => a.id);
  // A probe draft with the profile's prefill and the padded answers, validated once; the measured drafts copy it.
  const bundle = await forms.bundleFor(procedure.code, procedure.current_version_id!);
  const values = twoKilobyteValues(await bundle.initialValues(citizen.id));
  const probe = randomUUID();
  await repository.insertDraft({
    id: probe,
    ownerUserId: citizen.id,
    procedureId: procedure.id,
    procedureVersionId: procedure.current_version_id!,
    formVersion: bundle.version,
    values,
    onBehalfOf: null,
    expiresAt: new Date(Date.now() + config.draftLifetimeDays * 86_400_000),
  });
  await submission.chooseReception(citizen, probe, agencyIds[0]!, 'online');
  const problems = await submission.problems(citizen, probe);
  if (problems.length > 0) throw new Error(`the benchmark's form does not validate: ${JSON.stringify(problems)}`);
  const draft = await submission.draft(citizen, probe);
  return {
    database,
    submission,
    repository,
    storage: await createStorage(config),
    citizen,
    account,
    agencyIds,
    values: draft.values,
    pdf: await hundredKilobytePdf(),
    template: { procedureId: draft.procedure.id, procedureVersionId: draft.procedureVersionId, formVersion: draft.formVersion, expiresAt: draft.expiresAt },
  };
}

/**
 * Empty drafts of the citizen, each with its receiving agency chosen (round-robin over `agencyIds`). The service
 * keeps one open draft per citizen and procedure, so they are inserted by the repository.
 */
async function emptyDrafts(s: Setup, count: number, agencyIds: number[]): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const id = randomUUID();
    await s.repository.insertDraft({ id, ownerUserId: s.citizen.id, ...s.template, values: {}, onBehalfOf: null });
    await s.submission.chooseReception(s.citizen, id, agencyIds[i % agencyIds.length]!, 'online');
    ids.push(id);
  }
  return ids;
}

/** What the upload route does with a file (inspect, store durably, record), then the answers page's save. */
async function uploadAndAnswer(s: Setup, draftId: string): Promise<void> {
  const info = await inspectUpload(s.pdf, { declaredName: 'giay-to.pdf', maxBytes: 10 * 1_048_576, accept: ['pdf'] });
  const stored = await s.storage.put(newStorageKey('uploads', new Date(), '.pdf'), s.pdf, { contentType: info.mime });
  await s.submission.addUpload(s.citizen, draftId, {
    fieldId: 'attachment',
    requirementName: 'Giấy tờ kèm theo',
    storageKey: stored.key,
    fileName: info.fileName,
    mime: info.mime,
    size: info.size,
    sha256: stored.sha256,
    pages: info.pages ?? null,
  });
  await s.submission.saveAnswers(s.citizen, draftId, s.values, 'request');
}

/** Drafts ready to submit: answered, with their 100 KB file uploaded. */
async function readyDrafts(s: Setup, count: number, agencyIds: number[]): Promise<string[]> {
  const ids = await emptyDrafts(s, count, agencyIds);
  for (const id of ids) await uploadAndAnswer(s, id);
  return ids;
}

/**
 * `count` submitted dossiers of the demo citizen (for other benchmarks, e.g. lookup): their codes and the secret
 * printed on each receipt slip.
 */
export async function submittedDossiers(fixture: TestServer, count: number): Promise<{ code: string; secret: string }[]> {
  const s = await setUp(fixture);
  const drafts = await readyDrafts(s, count, s.agencyIds);
  const codes: string[] = [];
  for (const id of drafts) codes.push((await s.submission.submit(s.citizen, id)).code);
  const rows = await s.database.db.selectFrom('dossier').select(['code', 'lookup_secret']).where('code', 'in', codes).execute();
  return rows.map((r) => ({ code: r.code, secret: r.lookup_secret }));
}

// ---- the raw-insert baseline ----

/**
 * Scratch tables for the baseline, dropped afterwards: a parent row as wide as a dossier (the 2 KB form as jsonb,
 * the applicant snapshot) and small child rows (document, event, two outbox messages), plus a counter.
 */
async function createScratch(db: Database['db']): Promise<void> {
  await sql`create table if not exists bench_raw_parent (id bigserial primary key, code text not null unique, body jsonb not null, small jsonb not null, created_at timestamptz not null default now())`.execute(db);
  await sql`create table if not exists bench_raw_child (id bigserial primary key, parent_id bigint not null references bench_raw_parent (id), kind text not null, body text not null, created_at timestamptz not null default now())`.execute(db);
  await sql`create table if not exists bench_raw_counter (key text primary key, value integer not null)`.execute(db);
}

async function dropScratch(db: Database['db']): Promise<void> {
  await sql`drop table if exists bench_raw_child, bench_raw_parent, bench_raw_counter`.execute(db);
}

/**
 * One transaction shaped like a submission's: eight statements (submission: lock the draft, draw the code, insert
 * the dossier, copy the documents, insert the event, mark the draft, two outbox messages), here a read by key, a
 * trivial select, the wide insert, two small inserts, an update and two small inserts. With `hotCounter`, the second
 * statement advances one shared counter row instead, held until commit as the dossier-code counter is.
 */
async function rawTransaction(db: Database['db'], body: string, i: number, hotCounter: boolean): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await sql`select value from bench_raw_counter where key = 'row'`.execute(trx);
    const code = hotCounter
      ? (await sql<{ value: number }>`insert into bench_raw_counter as c (key, value) values ('hot', 1) on conflict (key) do update set value = c.value + 1 returning c.value`.execute(trx)).rows[0]!.value
      : (await sql<{ n: number }>`select ${i}::int as n`.execute(trx)).rows[0]!.n;
    const parent = await sql<{ id: number }>`insert into bench_raw_parent (code, body, small) values (${`${randomUUID()}-${code}`}, ${body}::jsonb, ${'{"fullName":"Nguyễn Thị Hương","phone":"0912345678"}'}::jsonb) returning id`.execute(trx);
    const id = parent.rows[0]!.id;
    for (const kind of ['document', 'event']) await sql`insert into bench_raw_child (parent_id, kind, body) values (${id}, ${kind}, ${'x'.repeat(160)})`.execute(trx);
    await sql`update bench_raw_parent set created_at = now() where id = ${id}`.execute(trx);
    for (const kind of ['email', 'sms']) await sql`insert into bench_raw_child (parent_id, kind, body) values (${id}, ${kind}, ${'y'.repeat(300)})`.execute(trx);
  });
}

// ---- over HTTP ----

interface HttpClientSpec {
  baseUrl: string;
  cookie: string;
  token: string;
  draftIds: string[];
  concurrency: number;
}

interface HttpClientOutcome {
  completed: number;
  seconds: number;
  latencies: number[];
  errors: number;
  firstError: string | null;
}

/** Signs the demo citizen in over HTTP; the cookie header and a CSRF token of the signed-in session. */
async function signIn(baseUrl: string, account: string, reviewPath: string): Promise<{ cookie: string; token: string }> {
  const jar = new Map<string, string>();
  const call = async (path: string, form?: Record<string, string>) => {
    const res = await fetch(`${baseUrl}${path}`, {
      method: form ? 'POST' : 'GET',
      headers: { cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; '), ...(form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}) },
      ...(form ? { body: new URLSearchParams(form).toString() } : {}),
      redirect: 'manual',
    });
    for (const c of res.headers.getSetCookie()) {
      const pair = c.split(';')[0]!;
      jar.set(pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1));
    }
    return { status: res.status, body: await res.text() };
  };
  const page = await call('/dang-nhap');
  const signedIn = await call('/dang-nhap', { account, password: 'Demo@2026', _csrf: csrfTokenIn(page.body) ?? '' });
  if (signedIn.status !== 303) throw new Error(`sign-in answered ${signedIn.status}`);
  const review = await call(reviewPath);
  const token = csrfTokenIn(review.body);
  if (review.status !== 200 || !token) throw new Error(`review page answered ${review.status}`);
  return { cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; '), token };
}

async function runHttpClient(spec: HttpClientSpec): Promise<HttpClientOutcome> {
  const latencies: number[] = [];
  let errors = 0;
  let firstError: string | null = null;
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: spec.concurrency }, async () => {
      while (next < spec.draftIds.length) {
        const draftId = spec.draftIds[next++]!;
        const t0 = performance.now();
        try {
          const res = await fetch(`${spec.baseUrl}/ho-so-nhap/${draftId}/nop`, {
            method: 'POST',
            headers: { cookie: spec.cookie, 'content-type': 'application/x-www-form-urlencoded' },
            body: new URLSearchParams({ _csrf: spec.token }).toString(),
            redirect: 'manual',
            signal: AbortSignal.timeout(30_000),
          });
          await res.arrayBuffer();
          if (res.status !== 303 || !(res.headers.get('location') ?? '').startsWith('/ho-so/')) throw new Error(`HTTP ${res.status}`);
          latencies.push(performance.now() - t0);
        } catch (error) {
          errors++;
          firstError ??= String(error);
        }
      }
    }),
  );
  return { completed: latencies.length, seconds: (performance.now() - started) / 1000, latencies, errors, firstError };
}

/**
 * Posts the drafts from a separate process, so client and server do not share an event loop. Machine CPU is not
 * given: it would include the client's start-up.
 */
function measureHttpSubmissions(name: string, spec: HttpClientSpec): Promise<Measured> {
  const cpu = process.cpuUsage();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--http-client'], {
      cwd: fileURLToPath(new URL('..', import.meta.url)),
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      const last = stdout.trim().split('\n').pop() ?? '';
      if (code !== 0 || !last.startsWith('{')) return reject(new Error(`HTTP submission client failed (${code}):\n${stderr.slice(-2000)}`));
      const outcome = JSON.parse(last) as HttpClientOutcome;
      if (outcome.completed === 0) return reject(new Error(`every HTTP submission failed: ${outcome.firstError}`));
      resolve({
        name,
        count: outcome.completed,
        perSecond: outcome.completed / outcome.seconds,
        latency: percentiles(outcome.latencies),
        errors: outcome.errors,
        appCpuMs: appCpuMs(cpu) / outcome.completed,
        machineCpuMs: null,
      });
    });
    child.stdin.end(JSON.stringify(spec));
  });
}

// ---- the benchmark ----

export async function benchSubmission(options: SubmissionBenchOptions): Promise<SubmissionBenchOutcome> {
  const { fixture, submissions: n, concurrency } = options;
  const s = await setUp(fixture);
  const db = s.database.db;
  const oneAgency = [s.agencyIds[0]!];
  const warm = Math.max(10, Math.round(n / 10));
  const rows: Measured[] = [];
  const body = JSON.stringify(s.values);

  await createScratch(db);
  try {
    await sql`insert into bench_raw_counter (key, value) values ('row', 0) on conflict do nothing`.execute(db);
    await measure('warm-up', warm, concurrency, (i) => rawTransaction(db, body, i, false));
    rows.push(await measure('baseline: raw inserts, 8 statements per transaction', n, concurrency, (i) => rawTransaction(db, body, i, false)));
    rows.push(await measure('baseline: the same, statement 2 on one shared counter row', n, concurrency, (i) => rawTransaction(db, body, i, true)));
  } finally {
    await dropScratch(db);
  }

  // Submit only: the drafts were answered and their files uploaded beforehand.
  const warmDrafts = await readyDrafts(s, warm, oneAgency);
  await measure('warm-up', warm, concurrency, (i) => s.submission.submit(s.citizen, warmDrafts[i]!).then(() => undefined));
  const drafts = await readyDrafts(s, n, oneAgency);
  rows.push(await measure('`SubmissionService.submit`, one agency', n, concurrency, (i) => s.submission.submit(s.citizen, drafts[i]!).then(() => undefined)));
  const spreadDrafts = await readyDrafts(s, n, s.agencyIds);
  rows.push(await measure(`\`SubmissionService.submit\`, ${s.agencyIds.length} agencies in turn`, n, concurrency, (i) => s.submission.submit(s.citizen, spreadDrafts[i]!).then(() => undefined)));

  // The whole server-side work of a submission: inspect and store the file, record it, save the answers, submit.
  const emptyOnes = await emptyDrafts(s, n, oneAgency);
  rows.push(
    await measure('upload 100 KB + save answers + submit (service), one agency', n, concurrency, async (i) => {
      await uploadAndAnswer(s, emptyOnes[i]!);
      await s.submission.submit(s.citizen, emptyOnes[i]!);
    }),
  );

  // Over HTTP: the review page's "Submit" button, POST /ho-so-nhap/<id>/nop, answered with a 303 to the dossier.
  const httpDrafts = await readyDrafts(s, n + warm, oneAgency);
  const session = await signIn(fixture.baseUrl, s.account, `/ho-so-nhap/${httpDrafts[0]}/kiem-tra`);
  await measureHttpSubmissions('warm-up', { baseUrl: fixture.baseUrl, ...session, draftIds: httpDrafts.slice(0, warm), concurrency });
  rows.push(await measureHttpSubmissions('HTTP `POST /ho-so-nhap/<id>/nop`, one agency', { baseUrl: fixture.baseUrl, ...session, draftIds: httpDrafts.slice(warm), concurrency }));

  const baseline = rows[0]!;
  const submit = rows.find((r) => r.name.startsWith('`SubmissionService.submit`, one'))!;
  const best = Math.max(...rows.slice(2).map((r) => r.perSecond));
  const verdict = submit.perSecond >= submissionTargetPerSecond ? 'met' : '**missed**';
  const markdown = [
    '### Submission',
    '',
    `E-form of 1.010041 with ${integer(Buffer.byteLength(body))} bytes of answers (JSON; the form's own fields at their maximum lengths, topped up to 2 KB) and one ${integer(s.pdf.byteLength)}-byte PDF (uploaded in the third row and before the others); ` +
      `${n} submissions per row after ${warm} warm-up ones, ${concurrency} in flight; ${fixture.database.kind === 'embedded' ? 'PGlite (one session)' : 'PostgreSQL'}. ` +
      'The baseline runs transactions of the same shape (8 statements, a 2 KB jsonb row and small ones) on scratch tables through the same handle.',
    '',
    table(
      ['what', 'per second', 'p50', 'p95', 'p99', 'vs raw inserts', 'CPU/op: Node', 'CPU/op: machine', 'errors'],
      rows.map((r) => [
        r.name,
        integer(r.perSecond),
        ms(r.latency.p50),
        ms(r.latency.p95),
        ms(r.latency.p99),
        r === baseline ? '1×' : ratio(r.perSecond, baseline.perSecond),
        ms(r.appCpuMs),
        r.machineCpuMs === null ? '–' : ms(r.machineCpuMs),
        String(r.errors),
      ]),
    ),
    '',
    `Target ≥ ${submissionTargetPerSecond} submissions/s (\`submit\`, one agency): ${verdict} (${integer(submit.perSecond)}/s; best row ${integer(best)}/s).`,
  ].join('\n');
  return { markdown, rows };
}

if (process.argv[1] === fileURLToPath(import.meta.url) && process.argv.includes('--http-client')) {
  let input = '';
  for await (const chunk of process.stdin) input += String(chunk);
  const outcome = await runHttpClient(JSON.parse(input) as HttpClientSpec);
  process.stdout.write(`${JSON.stringify(outcome)}\n`);
}
