import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { DomainError } from '../../platform/errors/errors.js';
import { CsrfField } from '../../platform/http/csrf.js';
import { sendPage, viewContext, type ViewContext } from '../../platform/http/context.js';
import { Page, Tag } from '../../platform/views/layout.js';
import type { InboundService } from './inbound.service.js';
import { NotificationErrors } from './notifications.errors.js';
import type { NotificationService, OutboxMessageView } from './notifications.service.js';
import type { ChannelPreferences } from './notifications.repository.js';
import type { NotificationStatus } from './notifications.tables.js';
import { displayRecipient, fetchSandboxMessages, type SandboxMessage } from './sandbox.js';

export interface NotificationDevRouteDeps {
  notifications: NotificationService;
  /** The page exists only outside production; the plugin also refuses to register it there. */
  nodeEnv: 'development' | 'test' | 'production';
  /** How many messages the mailbox lists (newest first). Default 50. */
  limit?: number;
  /** The local sandbox (SMTP + SMS/Zalo) whose received messages the page shows first; null: none configured. */
  sandboxUrl?: string | null;
}

/**
 * The development mailbox `/dev/hop-thu`: what the local SMTP server and the SMS/Zalo sandbox received (the real
 * delivered text, one-time codes included), then the outbox with each message's delivery status. Never in
 * production: it shows every citizen's messages to anyone.
 */
export async function notificationDevRoutes(app: FastifyInstance, deps: NotificationDevRouteDeps): Promise<void> {
  if (deps.nodeEnv === 'production') return;
  app.get('/dev/hop-thu', async (request, reply) => {
    const limit = deps.limit ?? 50;
    const [messages, received] = await Promise.all([
      deps.notifications.latest(limit),
      deps.sandboxUrl ? fetchSandboxMessages(deps.sandboxUrl) : Promise.resolve(null),
    ]);
    reply.header('x-robots-tag', 'noindex, nofollow');
    return sendPage(
      reply,
      <MailboxPage ctx={viewContext(request)} messages={messages} received={received === null ? null : received.slice(0, limit)} sandboxUrl={deps.sandboxUrl ?? null} />,
    );
  });
}

function formatTime(ctx: ViewContext, at: Date): string {
  return new Intl.DateTimeFormat(ctx.locale === 'vi' ? 'vi-VN' : 'en-GB', {
    dateStyle: 'short',
    timeStyle: 'medium',
    timeZone: 'Asia/Ho_Chi_Minh',
  }).format(at);
}

const statusTone: Record<NotificationStatus, 'grey' | 'green' | 'blue' | 'orange'> = { pending: 'blue', sent: 'green', failed: 'orange', skipped: 'grey' };

export function MailboxPage({
  ctx,
  messages,
  received,
  sandboxUrl,
}: {
  ctx: ViewContext;
  messages: OutboxMessageView[];
  /** null: no sandbox configured, or it did not answer. */
  received: SandboxMessage[] | null;
  sandboxUrl: string | null;
}) {
  const { t } = ctx;
  return (
    <Page ctx={ctx} title={t('notifications.mailbox.title')} mainClass="wide">
      <h1>{t('notifications.mailbox.title')}</h1>
      <div class="panel">
        <p>{t('notifications.mailbox.warning')}</p>
      </div>
      {sandboxUrl ? (
        <section aria-labelledby="received-title">
          <h2 id="received-title">{t('notifications.mailbox.receivedTitle')}</h2>
          {received === null ? (
            <p>{t('notifications.mailbox.sandboxDown', { url: sandboxUrl })}</p>
          ) : received.length === 0 ? (
            <p>{t('notifications.mailbox.receivedEmpty')}</p>
          ) : (
            <div class="table-wrap">
              <table>
                <caption>{t('notifications.mailbox.receivedCaption', { n: received.length })}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t('notifications.mailbox.time')}</th>
                    <th scope="col">{t('notifications.mailbox.recipient')}</th>
                    <th scope="col">{t('notifications.mailbox.subject')}</th>
                    <th scope="col">{t('notifications.mailbox.body')}</th>
                  </tr>
                </thead>
                <tbody>
                  {received.map((m) => (
                    <tr key={m.id} id={`received-${m.id}`}>
                      <td>
                        <time dateTime={m.receivedAt}>{formatTime(ctx, new Date(m.receivedAt))}</time>
                      </td>
                      <td>
                        <span class="recipient">{displayRecipient(m)}</span>
                        <br />
                        <span class="muted">{t(`notifications.channel.${m.channel}`)}</span>
                      </td>
                      <td>{m.subject}</td>
                      <td class="pre-text">{m.text}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </section>
      ) : null}
      <section aria-labelledby="outbox-title">
        <h2 id="outbox-title">{t('notifications.mailbox.outboxTitle')}</h2>
        {messages.length === 0 ? (
          <p>{t('notifications.mailbox.empty')}</p>
        ) : (
          <div class="table-wrap">
            <table>
              <caption>{t('notifications.mailbox.caption', { n: messages.length })}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('notifications.mailbox.time')}</th>
                  <th scope="col">{t('notifications.mailbox.recipient')}</th>
                  <th scope="col">{t('notifications.mailbox.status')}</th>
                  <th scope="col">{t('notifications.mailbox.subject')}</th>
                  <th scope="col">{t('notifications.mailbox.body')}</th>
                </tr>
              </thead>
              <tbody>
                {messages.map((m) => (
                  <tr key={m.id} id={`message-${m.id}`}>
                    <td>
                      <time dateTime={m.createdAt.toISOString()}>{formatTime(ctx, m.createdAt)}</time>
                    </td>
                    <td>
                      <span class="recipient">{m.recipient}</span>
                      <br />
                      <span class="muted">{t(`notifications.channel.${m.channel}`)}</span>
                    </td>
                    <td>
                      <Tag tone={statusTone[m.status]}>{t(`notifications.status.${m.status}`)}</Tag>
                      <br />
                      <span class="muted">{t('notifications.mailbox.attempts', { n: m.attempts })}</span>
                      {m.nextAttemptAt && m.attempts > 0 ? (
                        <>
                          <br />
                          <span class="muted">
                            {t('notifications.mailbox.nextAttempt')}: <time dateTime={m.nextAttemptAt.toISOString()}>{formatTime(ctx, m.nextAttemptAt)}</time>
                          </span>
                        </>
                      ) : null}
                      {m.lastError && m.status !== 'sent' ? (
                        <>
                          <br />
                          <span class="muted">{m.lastError}</span>
                        </>
                      ) : null}
                    </td>
                    <td>{m.subject}</td>
                    <td class="pre-text">
                      {m.body}
                      {m.redacted ? (
                        <>
                          {'\n'}
                          <span class="muted">{t('notifications.mailbox.redacted')}</span>
                        </>
                      ) : null}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </Page>
  );
}

// ---------------------------------------------------------------------------------------------------------------
// The citizen's channels: /tai-khoan/thong-bao

export interface NotificationPreferenceRouteDeps {
  notifications: NotificationService;
}

export const preferencesPath = '/tai-khoan/thong-bao';

export async function notificationPreferenceRoutes(app: FastifyInstance, deps: NotificationPreferenceRouteDeps): Promise<void> {
  function signInFirst(request: FastifyRequest, reply: FastifyReply): FastifyReply {
    return reply.redirect(`/dang-nhap?next=${encodeURIComponent(preferencesPath)}`, 303);
  }

  app.get<{ Querystring: { 'da-luu'?: string } }>(preferencesPath, async (request, reply) => {
    if (!request.user) return signInFirst(request, reply);
    const preferences = await deps.notifications.preferencesOf(request.user);
    return sendPage(reply, <PreferencesPage ctx={viewContext(request)} preferences={preferences} saved={request.query['da-luu'] === '1'} />);
  });

  app.post(preferencesPath, async (request, reply) => {
    if (!request.user) return signInFirst(request, reply);
    const body = (request.body ?? {}) as Record<string, unknown>;
    // Checkboxes: a ticked box sends "yes", an unticked one sends nothing.
    const preferences: ChannelPreferences = { email: body.email === 'yes', sms: body.sms === 'yes', zalo: body.zalo === 'yes' };
    await deps.notifications.savePreferences(request.user, preferences);
    request.log.info({ action: 'notifications.preferences_saved', userId: request.user.id, ...preferences }, 'notification preferences saved');
    return reply.redirect(`${preferencesPath}?da-luu=1`, 303);
  });
}

export function PreferencesPage({ ctx, preferences, saved }: { ctx: ViewContext; preferences: ChannelPreferences; saved: boolean }) {
  const { t } = ctx;
  const channels = ['email', 'sms', 'zalo'] as const;
  return (
    <Page ctx={ctx} title={t('notifications.preferences.title')} crumbs={[{ href: '/', label: t('nav.home') }, { href: '/tai-khoan', label: t('identity.profile.title') }, { label: t('notifications.preferences.title') }]}>
      {saved ? (
        <div class="panel panel-highlight" role="status">
          <p>{t('notifications.preferences.saved')}</p>
        </div>
      ) : null}
      <h1>{t('notifications.preferences.title')}</h1>
      <p>{t('notifications.preferences.lead')}</p>
      <form method="post" action={preferencesPath} novalidate>
        <CsrfField ctx={ctx} />
        <div class="form-group">
          <fieldset aria-describedby="preferences-mandatory">
            <legend>{t('notifications.preferences.legend')}</legend>
            <p class="hint" id="preferences-mandatory">
              {t('notifications.preferences.mandatory')}
            </p>
            {channels.map((channel) => (
              <div class="choice-item" key={channel}>
                <input type="checkbox" id={`channel-${channel}`} name={channel} value="yes" checked={preferences[channel]} />{' '}
                <label for={`channel-${channel}`}>{t(`notifications.preferences.${channel}`)}</label>
              </div>
            ))}
          </fieldset>
        </div>
        <button class="button" type="submit">
          {t('notifications.preferences.save')}
        </button>
      </form>
    </Page>
  );
}

// ---------------------------------------------------------------------------------------------------------------
// Inbound texts: POST /api/v1/tin-nhan-den/sms and /api/v1/tin-nhan-den/zalo

export interface InboundRouteDeps {
  inbound: InboundService;
  /** Shared secret of the webhook signatures (INBOUND_WEBHOOK_SECRET). */
  secret: string;
  /** Oldest signed timestamp accepted, in seconds (default 300). */
  maxAgeSeconds?: number;
  /** Clock, for tests. */
  now?: () => number;
}

export const inboundPath = '/api/v1/tin-nhan-den';

/** The signature the SMS variant expects: hex HMAC-SHA256(secret, `<unix seconds>.<raw body>`). */
export function smsWebhookSignature(secret: string, timestamp: string, rawBody: string): string {
  return createHmac('sha256', secret).update(`${timestamp}.${rawBody}`).digest('hex');
}

/** The Zalo OA webhook signature: `mac=` hex SHA-256 of app_id + raw body + timestamp + the OA secret. */
export function zaloWebhookSignature(secret: string, appId: string, rawBody: string, timestamp: string): string {
  return `mac=${createHash('sha256').update(`${appId}${rawBody}${timestamp}${secret}`).digest('hex')}`;
}

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * The webhook providers call with each text received. Authenticated by a signature of the raw body with the
 * shared secret and a recent timestamp (replays older than five minutes are refused); the reply goes back on the
 * same channel through the outbox, and is also returned in the answer for providers that reply in-line.
 */
export async function inboundRoutes(app: FastifyInstance, deps: InboundRouteDeps): Promise<void> {
  const maxAge = deps.maxAgeSeconds ?? 300;
  const now = deps.now ?? (() => Date.now());
  // This plugin's own JSON parser keeps the raw text: the signature is over the bytes as sent.
  app.addContentTypeParser('application/json', { parseAs: 'string', bodyLimit: 65_536 }, (request, body, done) => {
    (request as FastifyRequest & { rawBody?: string }).rawBody = String(body);
    try {
      done(null, body === '' ? {} : JSON.parse(String(body)));
    } catch {
      done(new DomainError(NotificationErrors.inboundInvalid), undefined);
    }
  });
  const raw = (request: FastifyRequest) => (request as FastifyRequest & { rawBody?: string }).rawBody ?? '';
  const fresh = (seconds: number) => Number.isFinite(seconds) && Math.abs(now() / 1000 - seconds) <= maxAge;

  app.post(`${inboundPath}/sms`, async (request) => {
    const timestamp = String(request.headers['x-signature-timestamp'] ?? '');
    const signature = String(request.headers['x-signature'] ?? '');
    if (!/^\d{9,11}$/.test(timestamp) || !fresh(Number(timestamp)) || !sameText(signature, smsWebhookSignature(deps.secret, timestamp, raw(request)))) {
      throw new DomainError(NotificationErrors.webhookSignatureInvalid);
    }
    const body = (request.body ?? {}) as { from?: unknown; text?: unknown; id?: unknown };
    if (typeof body.from !== 'string' || typeof body.text !== 'string') throw new DomainError(NotificationErrors.inboundInvalid);
    const outcome = await deps.inbound.receive({
      channel: 'sms',
      sender: body.from,
      text: body.text,
      providerMessageId: typeof body.id === 'string' || typeof body.id === 'number' ? String(body.id) : null,
    });
    request.log.info({ action: 'notifications.inbound', channel: 'sms', command: outcome.command, duplicate: outcome.duplicate }, 'inbound text answered');
    return outcome;
  });

  app.post(`${inboundPath}/zalo`, async (request) => {
    const body = (request.body ?? {}) as {
      app_id?: unknown;
      event_name?: unknown;
      timestamp?: unknown;
      sender?: { id?: unknown };
      message?: { text?: unknown; msg_id?: unknown };
    };
    const signature = String(request.headers['x-zevent-signature'] ?? '');
    const appId = typeof body.app_id === 'string' ? body.app_id : '';
    const timestamp = typeof body.timestamp === 'string' || typeof body.timestamp === 'number' ? String(body.timestamp) : '';
    // Zalo's timestamps are in milliseconds.
    if (!/^\d{12,14}$/.test(timestamp) || !fresh(Number(timestamp) / 1000) || !sameText(signature, zaloWebhookSignature(deps.secret, appId, raw(request), timestamp))) {
      throw new DomainError(NotificationErrors.webhookSignatureInvalid);
    }
    // Other events (follow, seen, images...) are acknowledged and ignored.
    if (body.event_name !== 'user_send_text') return { command: null, reply: null, duplicate: false };
    if (typeof body.sender?.id !== 'string' || typeof body.message?.text !== 'string') throw new DomainError(NotificationErrors.inboundInvalid);
    const outcome = await deps.inbound.receive({
      channel: 'zalo',
      sender: body.sender.id,
      text: body.message.text,
      providerMessageId: typeof body.message.msg_id === 'string' ? body.message.msg_id : null,
    });
    request.log.info({ action: 'notifications.inbound', channel: 'zalo', command: outcome.command, duplicate: outcome.duplicate }, 'inbound text answered');
    return outcome;
  });
}
