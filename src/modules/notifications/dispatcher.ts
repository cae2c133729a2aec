import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '../../platform/logging/logger.js';
import { DeliveryError, type NotificationChannel } from './channels.js';
import type { AttemptOutcome, NotificationsRepository, OutboxRow } from './notifications.repository.js';
import { redactMessage } from './notifications.service.js';
import type { ChannelName } from './notifications.tables.js';

/**
 * Delivers the outbox. The outbox table is the durable queue: rows are written in the transaction of the change
 * they announce and stay there until they are sent, given up or skipped.
 *
 * - One lane per channel, each claiming its own due rows: a slow or failing provider holds up only its lane.
 * - A claim is a lease (`lease_owner`, `lease_until`) taken with `for update skip locked`: any number of dispatchers
 *   (worker processes) share the outbox and a row is held by one claim at a time. A send is abandoned before the
 *   lease ends (`sendTimeoutMs` < lease), and the outcome is written only while the claim still holds, so two
 *   dispatchers never send the same row unless a process dies between the provider's acceptance and the write.
 * - A failed attempt waits `retryBaseMs × 2^(attempt−1)` (± 20 % jitter, at most `retryMaxMs`), then is tried
 *   again; after `maxAttempts`, or at once when the provider refused the request itself (`DeliveryError.permanent`),
 *   the row ends `failed` with the last error.
 * - One-time codes are redacted from the stored copy once the message is sent or given up (status kept).
 */
export interface DispatcherOptions {
  /** Names this process in claim tokens and logs. */
  dispatcherId?: string;
  /** Rows one lane claims at a time and sends concurrently (default 20). */
  batchSize?: number;
  /** Claim length (default 60 s); must exceed sendTimeoutMs. */
  leaseSeconds?: number;
  /** A send not finished after this is abandoned as a temporary failure (default 20 s). */
  sendTimeoutMs?: number;
  /** Attempts before a message is given up (default 5). */
  maxAttempts?: number;
  /** Delay before the first retry (default 30 s); doubled for each later one. */
  retryBaseMs?: number;
  /** Longest delay between two attempts (default 1 h). */
  retryMaxMs?: number;
  /** Wait between two polls of an empty lane (default 1 s). */
  pollIntervalMs?: number;
  logger?: Logger;
  /** [0, 1), for the jitter; tests pin it. */
  random?: () => number;
}

/** The wait before attempt `attempt + 1`, after `attempt` failed ones (exponential, jittered, capped). */
export function retryDelayMs(attempt: number, baseMs: number, maxMs: number, random: () => number = Math.random): number {
  const exponential = baseMs * 2 ** Math.max(0, attempt - 1);
  const jitter = 0.8 + 0.4 * random();
  return Math.round(Math.min(maxMs, exponential * jitter));
}

export interface DispatchSummary {
  sent: number;
  retried: number;
  failed: number;
  /** Outcomes not recorded because the claim had expired (another dispatcher may hold the row). */
  lost: number;
}

export class NotificationDispatcher {
  private readonly id: string;
  private readonly options: Required<Omit<DispatcherOptions, 'logger' | 'dispatcherId'>>;
  private running = false;
  private lanes: Promise<void>[] = [];
  private readonly wakers = new Map<ChannelName, Set<() => void>>();
  private readonly stopController = new AbortController();

  constructor(
    private readonly outbox: NotificationsRepository,
    private readonly channels: ReadonlyMap<ChannelName, NotificationChannel>,
    private readonly settings: DispatcherOptions = {},
  ) {
    this.id = settings.dispatcherId ?? `dispatcher-${process.pid}-${randomUUID().slice(0, 8)}`;
    this.options = {
      batchSize: settings.batchSize ?? 20,
      leaseSeconds: settings.leaseSeconds ?? 60,
      sendTimeoutMs: settings.sendTimeoutMs ?? 20_000,
      maxAttempts: settings.maxAttempts ?? 5,
      retryBaseMs: settings.retryBaseMs ?? 30_000,
      retryMaxMs: settings.retryMaxMs ?? 3_600_000,
      pollIntervalMs: settings.pollIntervalMs ?? 1000,
      random: settings.random ?? Math.random,
    };
    if (this.options.sendTimeoutMs >= this.options.leaseSeconds * 1000) {
      throw new Error('the send timeout must be shorter than the lease');
    }
  }

  /** Claims and delivers one batch of each channel's due messages (or of `only`); resolves when all are recorded. */
  async runOnce(only?: ChannelName): Promise<DispatchSummary> {
    const summary: DispatchSummary = { sent: 0, retried: 0, failed: 0, lost: 0 };
    const names = only ? [only] : [...this.channels.keys()];
    await Promise.all(names.map((name) => this.runLaneOnce(name, summary)));
    return summary;
  }

  /** Starts one polling lane per channel. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.lanes = [...this.channels.keys()].map((name) => this.lane(name));
  }

  /** Polls now instead of at the next interval (e.g. right after an enqueue in the same process). */
  wake(only?: ChannelName): void {
    for (const [name, set] of this.wakers) if (!only || name === only) for (const wake of [...set]) wake();
  }

  /**
   * Stops claiming and waits for the sends in flight to finish and be recorded (each is bounded by sendTimeoutMs);
   * `abort: true` cuts them short instead (recorded as failed attempts, retried later by any dispatcher).
   */
  async stop(options: { abort?: boolean } = {}): Promise<void> {
    if (!this.running) return;
    this.running = false;
    if (options.abort) this.stopController.abort();
    this.wake();
    await Promise.allSettled(this.lanes);
    this.lanes = [];
  }

  /**
   * One channel's loop: a sliding window of `batchSize` sends. Free slots are refilled by a new claim as soon as a
   * send finishes, so one slow message does not hold up the next batch; an empty claim with nothing in flight
   * waits for the poll interval (or a wake-up).
   */
  private async lane(name: ChannelName): Promise<void> {
    const channel = this.channels.get(name);
    if (!channel) return;
    const inFlight = new Set<Promise<void>>();
    const summary: DispatchSummary = { sent: 0, retried: 0, failed: 0, lost: 0 };
    while (this.running) {
      let claimed = 0;
      const free = this.options.batchSize - inFlight.size;
      // Refill when half the window is free: a claim per finished send would cost a round trip per message.
      if (inFlight.size === 0 || free >= Math.max(1, Math.floor(this.options.batchSize / 2))) {
        try {
          const token = `${this.id}:${randomUUID()}`;
          const rows = await this.outbox.claim(name, token, free, this.options.leaseSeconds);
          claimed = rows.length;
          for (const row of rows) {
            const sending: Promise<void> = this.deliver(channel, row, token, summary)
              .catch((error: unknown) => {
                this.settings.logger?.error({ action: 'notifications.record_failed', channel: name, messageId: Number(row.id), err: error }, 'could not record a delivery outcome');
              })
              .finally(() => {
                inFlight.delete(sending);
                this.wake(name);
              });
            inFlight.add(sending);
          }
        } catch (error) {
          this.settings.logger?.error({ action: 'notifications.dispatch_failed', channel: name, err: error }, 'notification lane failed');
        }
      }
      // Claim again at once while there is room and work; otherwise wait for a slot or the next poll.
      if (!this.running) break;
      if (claimed === 0 || this.options.batchSize - inFlight.size < Math.max(1, Math.floor(this.options.batchSize / 2))) await this.idle(name);
    }
    await Promise.allSettled([...inFlight]);
  }

  private idle(name: ChannelName): Promise<void> {
    let set = this.wakers.get(name);
    if (!set) this.wakers.set(name, (set = new Set()));
    const waiting = set;
    return new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        waiting.delete(done);
        resolve();
      };
      const timer = setTimeout(done, this.options.pollIntervalMs);
      waiting.add(done);
    });
  }

  /** Returns how many rows it claimed. */
  private async runLaneOnce(name: ChannelName, summary: DispatchSummary): Promise<number> {
    const channel = this.channels.get(name);
    if (!channel) return 0;
    const token = `${this.id}:${randomUUID()}`;
    const rows = await this.outbox.claim(name, token, this.options.batchSize, this.options.leaseSeconds);
    await Promise.all(rows.map((row) => this.deliver(channel, row, token, summary)));
    return rows.length;
  }

  private async deliver(channel: NotificationChannel, row: OutboxRow, token: string, summary: DispatchSummary): Promise<void> {
    const id = Number(row.id);
    const signal = AbortSignal.any([AbortSignal.timeout(this.options.sendTimeoutMs), this.stopController.signal]);
    let outcome: AttemptOutcome;
    try {
      const result = await channel.send(
        { id, channel: row.channel, recipient: row.recipient, subject: row.subject, body: row.body, locale: row.locale },
        signal,
      );
      outcome = { kind: 'sent', providerMessageId: result.providerMessageId, redact: redactMessage(row) };
    } catch (error) {
      const message = errorText(error);
      const permanent = error instanceof DeliveryError && error.permanent;
      outcome =
        permanent || row.attempts >= this.options.maxAttempts
          ? { kind: 'failed', error: message, redact: redactMessage(row) }
          : { kind: 'retry', error: message, delayMs: retryDelayMs(row.attempts, this.options.retryBaseMs, this.options.retryMaxMs, this.options.random) };
    }
    const recorded = await this.outbox.finish(id, token, outcome);
    const log = this.settings.logger;
    if (!recorded) {
      summary.lost += 1;
      log?.warn({ action: 'notifications.claim_lost', messageId: id, channel: row.channel }, 'claim expired before the outcome was recorded');
      return;
    }
    if (outcome.kind === 'sent') summary.sent += 1;
    else if (outcome.kind === 'retry') {
      summary.retried += 1;
      log?.info({ action: 'notifications.retry', messageId: id, channel: row.channel, attempt: row.attempts, error: outcome.error, delayMs: outcome.delayMs }, 'delivery failed, will retry');
    } else {
      summary.failed += 1;
      log?.warn({ action: 'notifications.failed', messageId: id, channel: row.channel, attempts: row.attempts, error: outcome.error }, 'delivery given up');
    }
  }
}

function errorText(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.slice(0, 500);
}

/** Waits until `predicate` holds, polling (tests and the end-to-end journey). */
export async function eventually(what: string, predicate: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(25);
  }
}
