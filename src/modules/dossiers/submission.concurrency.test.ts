import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { loadConfig } from '../../platform/config/config.js';
import { DomainError } from '../../platform/errors/errors.js';
import type { Database } from '../../platform/db/database.js';
import { openTestDatabase } from '../../platform/db/testing.js';
import type { SessionUser } from '../../platform/http/auth.js';
import { loadDemoData } from '../../main/seed.js';
import { createUsersService } from '../admin/index.js';
import { createFormsService, type FormValues } from '../forms/index.js';
import { createIdentityServices } from '../identity/index.js';
import { createNotificationService } from '../notifications/index.js';
import { formatDossierCode, parseDossierCode, vietnamDay } from './dossier-code.js';
import { DossierRepository, createSubmissionService, type SubmissionService } from './index.js';

/*
 * Submission under concurrency: a double click (or a retry racing the first request) never makes two dossiers,
 * and two processes submitting to the same agency at once never share a dossier code.
 */

let database: Database;
let dataDir: string;
let submission: SubmissionService;
let repository: DossierRepository;
let citizen: SessionUser;
let agencies: { id: number; code: string }[];

/** Answers of the residence-confirmation e-form (1.010041) that pass validation, as stored once parsed (see the HTTP journey). */
const requestAnswers = { contents: ['permanent'], purpose: 'Bổ sung hồ sơ xin việc', declaration: true };

before(async () => {
  database = await openTestDatabase();
  dataDir = mkdtempSync(join(tmpdir(), 'motcua-concurrency-'));
  const config = loadConfig({ LOG_LEVEL: 'silent' }, { dataDir });
  const demo = await loadDemoData(database, config, { quiet: true });
  const account = demo.accounts.find((a) => a.role === 'citizen');
  assert.ok(account, 'the demo data has a citizen');
  const user = await createUsersService(database).getByUsername(account.username);
  citizen = { id: user.id, kind: 'citizen', displayName: user.displayName, agencyId: null, roles: [] };
  const notifications = createNotificationService(database);
  const identity = createIdentityServices(database, { notifications, secret: config.sessionSecret });
  repository = new DossierRepository(database.db, database.cipher);
  const forms = createFormsService(database, {
    profiles: identity.profiles,
    previous: async (userId, code) => (await repository.latestValues(userId, code)) as FormValues | null,
  });
  submission = createSubmissionService(database, { forms, notifications, draftLifetimeDays: config.draftLifetimeDays });
  const procedure = await repository.procedureForSubmission('1.010041');
  assert.ok(procedure, 'procedure 1.010041 is in the catalogue');
  agencies = (await repository.receivingAgencies(procedure.id)).map((a) => ({ id: a.id, code: a.code }));
  assert.ok(agencies.length >= 2, 'two receiving agencies, so each test counts from 1 on its own');
});

after(async () => {
  await database?.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

/**
 * `count` drafts of 1.010041 ready to submit to `agencyId`. The service keeps one open draft per citizen and
 * procedure (startDraft resumes it), so the first is made and answered through the service and the others are
 * copies of its values inserted by the repository; each copy's reception is then chosen through the service.
 */
async function readyDrafts(count: number, agencyId: number): Promise<string[]> {
  const first = await submission.startDraft(citizen, '1.010041');
  await submission.saveAnswers(citizen, first.id, requestAnswers, 'request');
  await submission.chooseReception(citizen, first.id, agencyId, 'online');
  assert.deepEqual(await submission.problems(citizen, first.id), [], 'the prepared draft passes validation');
  const template = await submission.draft(citizen, first.id);
  const ids = [first.id];
  for (let i = 1; i < count; i++) {
    const id = randomUUID();
    await repository.insertDraft({
      id,
      ownerUserId: citizen.id,
      procedureId: template.procedure.id,
      procedureVersionId: template.procedureVersionId,
      formVersion: template.formVersion,
      values: template.values,
      onBehalfOf: null,
      expiresAt: template.expiresAt,
    });
    await submission.chooseReception(citizen, id, agencyId, 'online');
    ids.push(id);
  }
  return ids;
}

async function dossiersOfDrafts(draftIds: string[]): Promise<{ code: string; draft_id: string | null }[]> {
  return database.db.selectFrom('dossier').select(['code', 'draft_id']).where('draft_id', 'in', draftIds).execute();
}

describe('submission under concurrency', () => {
  test('makes exactly one dossier when the same draft is submitted 20 times at once', async () => {
    const [draftId] = await readyDrafts(1, agencies[0]!.id);
    const outcomes = await Promise.all(Array.from({ length: 20 }, () => submission.submit(citizen, draftId!)));
    const codes = new Set(outcomes.map((o) => o.code));
    assert.equal(codes.size, 1, `every call answers with the same code: ${[...codes].join(', ')}`);
    assert.equal(outcomes.filter((o) => o.created).length, 1, 'one call created the dossier, the others found it');
    const rows = await dossiersOfDrafts([draftId!]);
    assert.equal(rows.length, 1);
    assert.equal(rows[0]!.code, outcomes[0]!.code);
    const events = await database.db
      .selectFrom('dossier_event as e')
      .innerJoin('dossier as d', 'd.id', 'e.dossier_id')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('d.draft_id', '=', draftId!)
      .where('e.action', '=', 'submitted')
      .executeTakeFirstOrThrow();
    assert.equal(Number(events.n), 1, 'one "submitted" event in the history');
    const outbox = await database.db
      .selectFrom('notification_outbox as n')
      .innerJoin('dossier as d', 'd.id', 'n.dossier_id')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('d.draft_id', '=', draftId!)
      .where('n.template_key', '=', 'dossier.submitted')
      .executeTakeFirstOrThrow();
    assert.equal(Number(outbox.n), 2, 'the citizen is told once, by e-mail and SMS');
  });

  test('gives 100 distinct, contiguous codes to 2 processes submitting 50 drafts each at once (PostgreSQL only)', async (t) => {
    if (database.kind !== 'postgres') {
      t.skip('needs PostgreSQL (DATABASE_URL): the embedded database belongs to one process');
      return;
    }
    const agency = agencies[1]!;
    const drafts = await readyDrafts(100, agency.id);
    const at = new Date();
    const name = (await sql<{ name: string }>`select current_database() as name`.execute(database.db)).rows[0]!.name;
    const url = new URL(process.env.DATABASE_URL!);
    url.pathname = `/${name}`;
    const children = [spawnSubmitter(url.toString(), drafts.slice(0, 50), citizen, at), spawnSubmitter(url.toString(), drafts.slice(50), citizen, at)];
    try {
      await Promise.all(children.map((c) => c.ready));
      for (const c of children) c.go();
      const results = (await Promise.all(children.map((c) => c.done))).flat();
      assert.equal(results.length, 100);
      assert.ok(results.every((r) => r.created), 'every draft made a new dossier');
      const codes = results.map((r) => r.code);
      assert.equal(new Set(codes).size, 100, 'no duplicate codes');
      const day = vietnamDay(at);
      const sequences = codes.map((c) => {
        const parts = parseDossierCode(c);
        assert.ok(parts && parts.agencyCode === agency.code && parts.day === day.iso, `${c} belongs to ${agency.code} on ${day.iso}`);
        return parts.sequence;
      });
      assert.deepEqual(
        sequences.sort((a, b) => a - b),
        Array.from({ length: 100 }, (_, i) => i + 1),
        'the counter ran 1..100 without a gap (nothing rolled back)',
      );
      const rows = await dossiersOfDrafts(drafts);
      assert.equal(rows.length, 100, 'every draft is one stored dossier');
      assert.deepEqual(new Set(rows.map((r) => r.code)), new Set(codes), 'the stored codes are the ones answered');
    } finally {
      for (const c of children) c.kill();
    }
  });
});

interface ChildResult {
  draftId: string;
  code: string;
  created: boolean;
}

/**
 * A child process with its own connection pool and submission service: submits its drafts all at once when told
 * to, prints the outcomes as one JSON line, and exits. The clock is the parent's, so both count on the same day.
 */
function spawnSubmitter(databaseUrl: string, draftIds: string[], actor: SessionUser, at: Date) {
  const here = (p: string) => JSON.stringify(fileURLToPath(new URL(p, import.meta.url)));
  const script = `
    import { sql } from 'kysely';
    import { openDatabase } from ${here('../../platform/db/database.ts')};
    import { createFormsService } from ${here('../forms/index.ts')};
    import { createNotificationService } from ${here('../notifications/index.ts')};
    import { createSubmissionService } from ${here('./index.ts')};
    const input = JSON.parse(process.env.SUBMIT_INPUT);
    const database = await openDatabase({ url: input.url, poolSize: 10 });
    const at = new Date(input.at);
    const submission = createSubmissionService(database, {
      forms: createFormsService(database),
      notifications: createNotificationService(database),
      draftLifetimeDays: 30,
      clock: () => at,
    });
    await Promise.all(Array.from({ length: 10 }, () => sql\`select 1\`.execute(database.db)));
    process.stdout.write('ready\\n');
    await new Promise((resolve) => process.stdin.once('data', resolve));
    const results = await Promise.all(input.drafts.map(async (draftId) => {
      const outcome = await submission.submit(input.actor, draftId);
      return { draftId, code: outcome.code, created: outcome.created };
    }));
    process.stdout.write(JSON.stringify(results) + '\\n');
    await database.close();
    process.exit(0);
  `;
  const input = JSON.stringify({ url: databaseUrl, drafts: draftIds, actor, at: at.toISOString() });
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    cwd: fileURLToPath(new URL('../../../', import.meta.url)),
    env: { ...process.env, SUBMIT_INPUT: input },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  let out = '';
  let markReady!: () => void;
  const ready = new Promise<void>((resolve) => (markReady = resolve));
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (d: string) => {
    out += d;
    if (out.includes('ready\n')) markReady();
  });
  // Bounded: a child that hangs (a lock never released) fails the test instead of stalling the run.
  const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  const done = once(child, 'exit').then(([code, signal]) => {
    clearTimeout(timer);
    if (code !== 0) throw new Error(`submitter exited with ${code ?? signal}: ${out.slice(-2000)}`);
    const line = out.split('\n').find((l) => l.startsWith('['));
    return JSON.parse(line ?? '[]') as ChildResult[];
  });
  done.catch(() => markReady());
  return {
    ready,
    done,
    go: () => child.stdin.end('go\n'),
    kill: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    },
  };
}

describe('dossier numbers drawn before the submission transaction', () => {
  test('writes the code as formatDossierCode does, with a fifth digit after 9999', async () => {
    const agency = agencies[0]!;
    const drafts = await readyDrafts(2, agency.id);
    const day = vietnamDay(new Date());
    await sql`insert into dossier_code_counter (agency_code, day, last_value) values (${agency.code}, ${day.iso}::date, 9998)
      on conflict (agency_code, day) do update set last_value = 9998`.execute(database.db);
    const first = await submission.submit(citizen, drafts[0]!);
    const second = await submission.submit(citizen, drafts[1]!);
    assert.equal(first.code, formatDossierCode(agency.code, day.yymmdd, 9999));
    assert.equal(second.code, formatDossierCode(agency.code, day.yymmdd, 10000));
    assert.equal(second.code, `${agency.code}-${day.yymmdd}-10000`);
    assert.deepEqual(parseDossierCode(second.code)?.sequence, 10000);
  });

  test('a draft submitted twice at once leaves at most a gap: the next dossier never gets a code already given', async () => {
    const agency = agencies[0]!;
    const [twice, next] = await readyDrafts(2, agency.id);
    const outcomes = await Promise.all([submission.submit(citizen, twice!), submission.submit(citizen, twice!)]);
    assert.equal(outcomes[0]!.code, outcomes[1]!.code, 'both clicks answer with the one dossier');
    const after = await submission.submit(citizen, next!);
    const first = parseDossierCode(outcomes[0]!.code)!.sequence;
    const then = parseDossierCode(after.code)!.sequence;
    // The losing click drew a number of its own before finding the draft submitted: that number is skipped.
    assert.ok(then === first + 1 || then === first + 2, `${outcomes[0]!.code} then ${after.code}`);
    const counter = await sql<{ last_value: number }>`select last_value from dossier_code_counter where agency_code = ${agency.code} and day = ${vietnamDay(new Date()).iso}::date`.execute(database.db);
    assert.equal(Number(counter.rows[0]!.last_value), then, 'the counter stands at the last code given');
  });
});

describe('group commit (submissions written in batches)', () => {
  test('writes 30 submissions arriving at once in fewer transactions, each one dossier with its own code, event and messages', async () => {
    const agency = agencies[0]!;
    const drafts = await readyDrafts(30, agency.id);
    const before = parseDossierCode((await repository.drawCodes([{ agencyCode: agency.code, at: new Date() }]))[0]!)!.sequence;
    const outcomes = await Promise.all(drafts.map((id) => submission.submit(citizen, id)));
    assert.ok(outcomes.every((o) => o.created));
    assert.deepEqual(
      outcomes.map((o) => parseDossierCode(o.code)!.sequence).sort((a, b) => a - b),
      Array.from({ length: 30 }, (_, i) => before + 1 + i),
      'the batches drew 30 contiguous numbers, after the one drawn just before',
    );
    const rows = await database.db
      .selectFrom('dossier as d')
      .select(['d.code', 'd.draft_id', 'd.submitted_at'])
      .select((eb) => [
        eb.selectFrom('dossier_event as e').whereRef('e.dossier_id', '=', 'd.id').select((e) => e.fn.countAll<number>().as('n')).as('events'),
        eb.selectFrom('notification_outbox as n').whereRef('n.dossier_id', '=', 'd.id').where('n.template_key', '=', 'dossier.submitted').select((e) => e.fn.countAll<number>().as('n')).as('messages'),
        eb.selectFrom('dossier_document as doc').whereRef('doc.dossier_id', '=', 'd.id').select((e) => e.fn.countAll<number>().as('n')).as('documents'),
      ])
      .where('d.draft_id', 'in', drafts)
      .execute();
    assert.equal(rows.length, 30);
    assert.deepEqual(new Map(rows.map((r) => [r.draft_id, r.code])), new Map(drafts.map((id, i) => [id, outcomes[i]!.code])), 'each draft answered with its own dossier');
    assert.ok(rows.every((r) => Number(r.events) === 1 && Number(r.messages) === 2), 'one event and an e-mail and an SMS each');
    // now() is the transaction's start: dossiers written by one transaction share it.
    const transactions = new Set(rows.map((r) => r.submitted_at.getTime())).size;
    assert.ok(transactions < 30, `30 submissions took ${transactions} transactions`);
  });

  test('a draft edited after validation is validated again with its new answers, keeping the code it was given', async () => {
    const agency = agencies[0]!;
    const [edited, invalidated, next] = await readyDrafts(3, agency.id);
    // The "other tab": the first time a draft's applicant is worked out (validation), its answers change underneath.
    const edits = new Map<string, Record<string, unknown>>([
      [edited!, { purpose: 'Mục đích đã sửa ở thẻ khác' }],
      [invalidated!, { purpose: '' }],
    ]);
    const forms = createFormsService(database);
    const racing = createSubmissionService(database, {
      forms: {
        bundleFor: async (code: string, versionId?: number, stamp?: string | null) => {
          const bundle = await forms.bundleFor(code, versionId, stamp);
          return {
            ...bundle,
            applicant: async (values: Record<string, unknown>, userId: number) => {
              const edit = edits.get(pendingDraft);
              if (edit) {
                edits.delete(pendingDraft);
                const draft = await repository.draft(pendingDraft);
                await repository.updateDraft(pendingDraft, { values: { ...(draft!.values as Record<string, unknown>), ...edit } });
              }
              return bundle.applicant(values, userId);
            },
          };
        },
      } as unknown as Parameters<typeof createSubmissionService>[1]['forms'],
      notifications: createNotificationService(database),
      draftLifetimeDays: 30,
    });
    let pendingDraft = edited!;
    const outcome = await racing.submit(citizen, edited!);
    assert.equal(outcome.created, true);
    const dossier = await submission.dossier(citizen, outcome.code);
    assert.equal(dossier.values.purpose, 'Mục đích đã sửa ở thẻ khác', 'the dossier holds the answers as edited');

    pendingDraft = invalidated!;
    await assert.rejects(
      racing.submit(citizen, invalidated!),
      (e: unknown) => e instanceof DomainError && e.code === 'DOSSIER_FORM_INCOMPLETE' && (e.details.fields ?? []).some((f) => f.field === 'purpose'),
      'the edit emptied a required answer: refused, field named',
    );
    assert.deepEqual(await dossiersOfDrafts([invalidated!]), [], 'and nothing was written');
    const sequence = parseDossierCode(outcome.code)!.sequence;
    const following = parseDossierCode((await submission.submit(citizen, next!)).code)!.sequence;
    assert.equal(following, sequence + 2, 'one number for the edited draft (drawn once, kept through its retry), one lost with the refused one');
  });

  test('a submission that fails its batch fails alone: the others of the batch are written', async () => {
    const [good, bad] = [agencies[0]!, agencies[1]!];
    const drafts = await readyDrafts(6, good.id);
    const [goodDrafts, badDrafts] = [drafts.slice(0, 5), drafts.slice(5)];
    await submission.chooseReception(citizen, badDrafts[0]!, bad.id, 'online');
    // An agency whose identifier cannot make a dossier code (a data error): its submission is refused.
    await sql`update agency set code = ${'bad code'} where id = ${bad.id}`.execute(database.db);
    try {
      const order = [...goodDrafts.slice(0, 3), ...badDrafts, ...goodDrafts.slice(3)];
      const outcomes = await Promise.allSettled(order.map((id) => submission.submit(citizen, id)));
      const refused = outcomes.filter((o) => o.status === 'rejected');
      assert.equal(refused.length, 1);
      assert.ok((refused[0] as PromiseRejectedResult).reason instanceof DomainError && (refused[0] as PromiseRejectedResult).reason.code === 'DOSSIER_CODE_AGENCY_INVALID');
      assert.equal(outcomes.filter((o) => o.status === 'fulfilled' && o.value.created).length, 5);
      assert.equal((await dossiersOfDrafts(goodDrafts)).length, 5);
      assert.deepEqual(await dossiersOfDrafts(badDrafts), []);
    } finally {
      await sql`update agency set code = ${bad.code} where id = ${bad.id}`.execute(database.db);
    }
  });
});
