import nodemailer, { type Transporter } from 'nodemailer';
import { DeliveryError, type NotificationChannel, type OutgoingMessage } from './channels.js';

export interface SmtpChannelOptions {
  host: string;
  port: number;
  /** TLS from the first byte (port 465); otherwise STARTTLS when the server offers it. */
  secure: boolean;
  user?: string;
  password?: string;
  /** The From header, e.g. `"Cổng dịch vụ công" <no-reply@example.gov.vn>`. */
  from: string;
  /** Per attempt (default 15 s). */
  timeoutMs?: number;
}

/** E-mail through an SMTP server (nodemailer, pooled connections). Plain text: every client reads it. */
export class SmtpEmailChannel implements NotificationChannel {
  readonly name = 'email' as const;
  private readonly transport: Transporter;

  constructor(private readonly options: SmtpChannelOptions) {
    const timeout = options.timeoutMs ?? 15_000;
    this.transport = nodemailer.createTransport({
      host: options.host,
      port: options.port,
      secure: options.secure,
      pool: true,
      maxConnections: 5,
      connectionTimeout: timeout,
      greetingTimeout: timeout,
      socketTimeout: timeout,
      ...(options.user ? { auth: { user: options.user, pass: options.password ?? '' } } : {}),
      // A local or development server without a certificate is fine on 127.0.0.1; elsewhere certificates are checked.
      tls: { rejectUnauthorized: !['127.0.0.1', 'localhost', '::1'].includes(options.host) },
    });
  }

  async send(message: OutgoingMessage, signal: AbortSignal): Promise<{ providerMessageId: string | null }> {
    if (signal.aborted) throw new DeliveryError('the claim ended before sending', false);
    const sending = this.transport.sendMail({
      from: this.options.from,
      to: message.recipient,
      subject: message.subject,
      text: message.body,
      headers: { 'X-Motcua-Message-Id': String(message.id) },
    });
    let onAbort: (() => void) | undefined;
    const aborted = new Promise<never>((_, reject) => {
      onAbort = () => reject(new DeliveryError('the claim ended while sending', false));
      signal.addEventListener('abort', onAbort, { once: true });
    });
    try {
      const info = await Promise.race([sending, aborted]);
      return { providerMessageId: info.messageId ?? null };
    } catch (error) {
      if (error instanceof DeliveryError) throw error;
      const smtpCode = (error as { responseCode?: number }).responseCode;
      // 5xx: the server refused this message (unknown mailbox, policy); 4xx and network errors: try again later.
      throw new DeliveryError(`SMTP: ${(error as Error).message}`.slice(0, 300), typeof smtpCode === 'number' && smtpCode >= 500);
    } finally {
      if (onAbort) signal.removeEventListener('abort', onAbort);
      sending.catch(() => undefined);
    }
  }

  async close(): Promise<void> {
    this.transport.close();
  }
}
