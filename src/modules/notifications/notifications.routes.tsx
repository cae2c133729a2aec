import type { FastifyInstance } from 'fastify';
import { sendPage, viewContext, type ViewContext } from '../../platform/http/context.js';
import { Page } from '../../platform/views/layout.js';
import type { NotificationService, OutboxMessageView } from './notifications.service.js';

export interface NotificationDevRouteDeps {
  notifications: NotificationService;
  /** The page exists only outside production; the plugin also refuses to register it there. */
  nodeEnv: 'development' | 'test' | 'production';
  /** How many messages the mailbox lists (newest first). Default 50. */
  limit?: number;
}

/**
 * The development mailbox `/dev/hop-thu`: the latest queued messages (recipient, subject, body, time), so that the
 * demo and browser tests can read one-time codes without a real e-mail or SMS gateway. Never in production: it
 * shows every citizen's messages to anyone.
 */
export async function notificationDevRoutes(app: FastifyInstance, deps: NotificationDevRouteDeps): Promise<void> {
  if (deps.nodeEnv === 'production') return;
  app.get('/dev/hop-thu', async (request, reply) => {
    const messages = await deps.notifications.latest(deps.limit ?? 50);
    reply.header('x-robots-tag', 'noindex, nofollow');
    return sendPage(reply, <MailboxPage ctx={viewContext(request)} messages={messages} />);
  });
}

function formatTime(ctx: ViewContext, at: Date): string {
  return new Intl.DateTimeFormat(ctx.locale === 'vi' ? 'vi-VN' : 'en-GB', {
    dateStyle: 'short',
    timeStyle: 'medium',
    timeZone: 'Asia/Ho_Chi_Minh',
  }).format(at);
}

export function MailboxPage({ ctx, messages }: { ctx: ViewContext; messages: OutboxMessageView[] }) {
  const { t } = ctx;
  return (
    <Page ctx={ctx} title={t('notifications.mailbox.title')} mainClass="wide">
      <h1>{t('notifications.mailbox.title')}</h1>
      <div class="panel">
        <p>{t('notifications.mailbox.warning')}</p>
      </div>
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
                  <td>{m.subject}</td>
                  <td class="pre-text">{m.body}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Page>
  );
}
