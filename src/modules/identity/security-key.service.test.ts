import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Database } from '../../platform/db/database.js';
import { openTestDatabase } from '../../platform/db/testing.js';
import { DomainError } from '../../platform/errors/errors.js';
import { createUsersService } from '../admin/index.js';
import { createNotificationService } from '../notifications/index.js';
import { createIdentityServices, type IdentityServices } from './index.js';
import { openChallenges } from './security-key.repository.js';
import { SoftAuthenticator } from './soft-authenticator.js';
import { demoOfficerTotpSecret, totpCodeAt, totpStep } from './totp.js';

/**
 * Officers' security keys against a real database, with @simplewebauthn/server verifying attestations and
 * assertions that a software authenticator (ES256, 'none' attestation, CBOR) makes for real.
 */
const secret = 'security-key-test-secret-0123456789-abc';
const rpId = 'localhost';
const origin = 'http://localhost:3000';

let database: Database;
let identity: IdentityServices;
let clock = new Date('2026-11-24T03:00:00Z');
const ids: Record<string, number> = {};

function keys() {
  return identity.securityKeys!;
}

function code(err: unknown): string {
  return err instanceof DomainError ? err.code : String(err);
}

/** Registers a new software key for `user`; returns the authenticator. */
async function registerKey(user: string, name = 'Khóa USB', counts = true): Promise<SoftAuthenticator> {
  const authenticator = new SoftAuthenticator({ origin, counts });
  const options = await keys().registrationOptions(ids[user]!);
  await keys().register({ userId: ids[user]!, ip: '10.0.0.1' }, name, JSON.stringify(authenticator.create(options)));
  return authenticator;
}

async function signIn(user: string, authenticator: SoftAuthenticator, override: { origin?: string } = {}) {
  const options = await keys().authenticationOptions(ids[user]!);
  assert.ok(options, 'the officer has keys, so sign-in options are offered');
  return keys().authenticate(ids[user]!, JSON.stringify(authenticator.get(options, override)));
}

async function auditActions(userId: number): Promise<string[]> {
  const rows = await database.db
    .selectFrom('audit_event')
    .select('action')
    .where('subject_type', '=', 'user')
    .where('subject_id', '=', String(userId))
    .orderBy('id')
    .execute();
  return rows.map((r) => r.action);
}

before(async () => {
  database = await openTestDatabase();
  identity = createIdentityServices(database, {
    notifications: createNotificationService(database),
    secret,
    hashParams: { N: 1024, r: 8, p: 1 },
    now: () => clock,
    securityKeys: { rpId, origin, rpName: 'Cổng thử nghiệm' },
  });
  const users = createUsersService(database, { hashParams: { N: 1024, r: 8, p: 1 } });
  for (const username of ['key.one', 'key.two', 'key.three', 'key.four', 'key.five']) {
    const user = await users.create({ kind: 'officer', username, displayName: `Cán bộ ${username}`, password: 'Officer@2026', roles: ['system_admin'] });
    ids[username] = user.id;
    await identity.secondFactor!.enrolWithSecret(user.id, demoOfficerTotpSecret);
  }
  const citizen = await users.create({ kind: 'citizen', username: 'lan@example.vn', displayName: 'Trần Thị Lan', password: 'Demo@2026' });
  ids.citizen = citizen.id;
});

after(async () => {
  await database?.close();
});

describe('security keys', () => {
  test('does register a key, list it, and sign in with it, storing the counter and the time of use', async () => {
    clock = new Date('2026-11-24T03:00:00Z');
    const authenticator = await registerKey('key.one', '  Khóa   USB của tôi ');
    const [listed] = await keys().list(ids['key.one']!);
    assert.equal(listed?.name, 'Khóa USB của tôi');
    assert.equal(listed?.lastUsedAt, null);
    assert.deepEqual(await auditActions(ids['key.one']!), ['security_key.add']);

    clock = new Date('2026-11-24T03:05:00Z');
    const { keyId } = await signIn('key.one', authenticator);
    assert.equal(keyId, listed?.id);
    const row = await database.db.selectFrom('webauthn_credential').select(['sign_count', 'last_used_at', 'transports']).where('id', '=', keyId).executeTakeFirstOrThrow();
    assert.equal(Number(row.sign_count), 1);
    assert.equal(new Date(row.last_used_at!).toISOString(), clock.toISOString());
    assert.deepEqual(row.transports, ['internal']);
    await signIn('key.one', authenticator);
    assert.equal((await keys().list(ids['key.one']!)).length, 1);
  });

  test('does refuse an assertion replayed, and a signature counter that goes backwards or stands still', async () => {
    const authenticator = await registerKey('key.two');
    const options = await keys().authenticationOptions(ids['key.two']!);
    const answer = JSON.stringify(authenticator.get(options!));
    await keys().authenticate(ids['key.two']!, answer);
    await assert.rejects(keys().authenticate(ids['key.two']!, answer), (e) => code(e) === 'SECURITY_KEY_INVALID', 'the challenge is spent');

    authenticator.signCount = 0; // a clone of the key, or a key whose counter was reset: the next assertion says 1
    await assert.rejects(signIn('key.two', authenticator), (e) => code(e) === 'SECURITY_KEY_INVALID');
    authenticator.signCount = 0; // "1" again, equal to the stored counter
    await assert.rejects(signIn('key.two', authenticator), (e) => code(e) === 'SECURITY_KEY_INVALID');
    const stored = await database.db.selectFrom('webauthn_credential').select('sign_count').where('credential_id', '=', authenticator.id).executeTakeFirstOrThrow();
    assert.equal(Number(stored.sign_count), 1, 'a refused assertion leaves the counter');
    authenticator.signCount = 5;
    await signIn('key.two', authenticator);
  });

  test('does accept a key without a counter (both 0)', async () => {
    const authenticator = await registerKey('key.three', 'Khóa không đếm', false);
    await signIn('key.three', authenticator);
    await signIn('key.three', authenticator);
  });

  test('does refuse another origin, another site, an expired or foreign challenge, and another officer’s key', async () => {
    clock = new Date('2026-11-24T04:00:00Z');
    // Registration from a look-alike site.
    const phished = new SoftAuthenticator({ origin: 'http://localhost.evil.example' });
    const regOptions = await keys().registrationOptions(ids['key.four']!);
    await assert.rejects(
      keys().register({ userId: ids['key.four']! }, 'Khóa', JSON.stringify(phished.create(regOptions))),
      (e) => code(e) === 'SECURITY_KEY_INVALID',
    );
    assert.equal((await keys().list(ids['key.four']!)).length, 0);

    const authenticator = await registerKey('key.four');
    await assert.rejects(signIn('key.four', authenticator, { origin: 'https://phishing.example' }), (e) => code(e) === 'SECURITY_KEY_INVALID');
    const other = await keys().authenticationOptions(ids['key.four']!);
    await assert.rejects(
      keys().authenticate(ids['key.four']!, JSON.stringify(authenticator.get(other!, { rpId: 'evil.example' }))),
      (e) => code(e) === 'SECURITY_KEY_INVALID',
    );

    await identity.lockout.recordSuccess(ids['key.four']!); // (the failures above count towards the lockout)
    // Expired: the ceremony took longer than five minutes.
    const late = await keys().authenticationOptions(ids['key.four']!);
    clock = new Date(clock.getTime() + 301_000);
    await assert.rejects(keys().authenticate(ids['key.four']!, JSON.stringify(authenticator.get(late!))), (e) => code(e) === 'SECURITY_KEY_INVALID');

    // A registration challenge is no sign-in challenge.
    const forRegistration = await keys().registrationOptions(ids['key.four']!);
    await assert.rejects(
      keys().authenticate(ids['key.four']!, JSON.stringify(authenticator.get({ challenge: forRegistration.challenge, rpId }))),
      (e) => code(e) === 'SECURITY_KEY_INVALID',
    );

    // key.one's key signing key.four's challenge.
    const mine = await keys().authenticationOptions(ids['key.four']!);
    const stranger = new SoftAuthenticator({ origin });
    const strangerOptions = await keys().registrationOptions(ids['key.five']!);
    await keys().register({ userId: ids['key.five']! }, 'Khóa', JSON.stringify(stranger.create(strangerOptions)));
    await assert.rejects(keys().authenticate(ids['key.four']!, JSON.stringify(stranger.get(mine!))), (e) => code(e) === 'SECURITY_KEY_INVALID');

    // Garbage.
    await assert.rejects(keys().authenticate(ids['key.four']!, '{"id":1}'), (e) => code(e) === 'SECURITY_KEY_INVALID');
    await identity.lockout.recordSuccess(ids['key.four']!);
  });

  test('does refuse registering a key without a name, or one credential twice', async () => {
    const authenticator = new SoftAuthenticator({ origin });
    const options = await keys().registrationOptions(ids['key.five']!);
    await assert.rejects(keys().register({ userId: ids['key.five']! }, '   ', JSON.stringify(authenticator.create(options))), (e) => code(e) === 'VALIDATION_FAILED');
    const again = await keys().registrationOptions(ids['key.five']!);
    await keys().register({ userId: ids['key.five']! }, 'Điện thoại', JSON.stringify(authenticator.create(again)));
    const twice = await keys().registrationOptions(ids['key.four']!);
    await assert.rejects(keys().register({ userId: ids['key.four']! }, 'Lấy lại', JSON.stringify(authenticator.create(twice))), (e) => code(e) === 'SECURITY_KEY_INVALID');
    assert.ok(twice.excludeCredentials !== undefined);
    await assert.rejects(keys().registrationOptions(ids.citizen!), (e) => code(e) === 'SECURITY_KEY_NOT_FOUND', 'citizens have no second factor');
  });

  test('does keep a few open challenges per account however often the page is viewed, the newest usable', async () => {
    const userId = ids['key.five']!;
    for (let i = 0; i < openChallenges + 3; i++) await keys().registrationOptions(userId);
    const latest = await keys().registrationOptions(userId);
    const open = await database.db.selectFrom('webauthn_challenge').select('challenge').where('user_id', '=', userId).where('purpose', '=', 'registration').execute();
    assert.equal(open.length, openChallenges);
    assert.ok(open.some((r) => r.challenge === latest.challenge), 'the challenge just given out is kept');
    await keys().register({ userId }, 'Khóa mới', JSON.stringify(new SoftAuthenticator({ origin }).create(latest)));
  });

  test('does count failed assertions towards the account lockout', async () => {
    clock = new Date('2026-11-24T05:00:00Z');
    const authenticator = await registerKey('key.three', 'Khóa thứ hai');
    const threshold = identity.lockout.policy.threshold;
    for (let i = 0; i <= threshold; i++) {
      await assert.rejects(signIn('key.three', authenticator, { origin: 'https://phishing.example' }), (e) =>
        code(e) === (i < threshold ? 'SECURITY_KEY_INVALID' : 'ACCOUNT_LOCKED'),
      );
    }
    // Locked: even the right key waits.
    await assert.rejects(signIn('key.three', authenticator), (e) => code(e) === 'ACCOUNT_LOCKED');
    clock = new Date(clock.getTime() + 3_600_000);
    await signIn('key.three', authenticator);
  });

  test('does remove a key only after a fresh second-factor code, with an audit event', async () => {
    clock = new Date('2026-11-24T06:00:00Z');
    const [key] = await keys().list(ids['key.one']!);
    await assert.rejects(keys().remove({ userId: ids['key.one']! }, key!.id, '000000'), (e) => code(e) === 'SECOND_FACTOR_INVALID');
    await assert.rejects(keys().remove({ userId: ids['key.two']! }, key!.id, totpCodeAt(demoOfficerTotpSecret, totpStep(clock))), (e) => code(e) === 'SECURITY_KEY_NOT_FOUND');
    await keys().remove({ userId: ids['key.one']! }, key!.id, totpCodeAt(demoOfficerTotpSecret, totpStep(clock)));
    assert.equal((await keys().list(ids['key.one']!)).length, 0);
    assert.equal(await keys().authenticationOptions(ids['key.one']!), null, 'no key: no sign-in options');
    assert.deepEqual(await auditActions(ids['key.one']!), ['security_key.add', 'security_key.remove']);
  });
});
