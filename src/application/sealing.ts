import { type ExistingWebhook, FORGOTTEN, hasSensitiveFields, mapSensitiveEventFields, needsSealing, webhookIdOfStream } from '../domain/index.js';
import {
  type AppendResult,
  type EventStore,
  type LoggedEvent,
  type NewEvent,
  type ReadAllOptions,
  type ReadStreamOptions,
  type StoredEvent,
  toLoggedEvent,
} from '../ports/event-store.js';
import { type FieldSealer, SealingUnavailableError, type WebhookSeal } from '../ports/field-sealer.js';
import type { WebhookListPage, WebhookListQuery, WebhookReadModel, WebhookRow } from '../ports/webhook-read-model.js';
import type { WebhookSecretSet, WebhookSecrets } from '../ports/webhook-secrets.js';

/**
 * Sealing at the edge between the application and its stores (ADR 0018): what is written is
 * sealed with the webhook's data key, what is read is opened, so deciders, evolve and the API
 * see clear values and the stores (and the hash chain) only ciphertext.
 */

const containsSealed = (sealer: FieldSealer, data: unknown): boolean => {
  let found = false;
  mapSensitiveEventFields(data, (value) => {
    found ||= sealer.isSealed(value);
    return value;
  });
  return found;
};

/** Opens the sealed values of event data (or of `{ channels }`); a forgotten webhook's read as "[forgotten]". */
export const openSealedData = async (sealer: FieldSealer, webhookId: string, data: unknown): Promise<unknown> => {
  if (!containsSealed(sealer, data)) return data;
  const seal = await sealer.forWebhook(webhookId, false);
  if (seal === undefined) throw new SealingUnavailableError(`sealed data of ${webhookId} has no data key in this database`);
  return mapSensitiveEventFields(data, (value) => (!sealer.isSealed(value) ? value : seal === 'forgotten' ? FORGOTTEN : openValue(seal, value, webhookId)));
};

const openValue = (seal: WebhookSeal, value: string, webhookId: string): unknown => {
  try {
    return seal.open(value);
  } catch {
    throw new SealingUnavailableError(`a sealed value of ${webhookId} does not open with its data key`);
  }
};

/** Seals the sensitive values of event data with the webhook's data key (made on first use). */
export const sealData = async (sealer: FieldSealer, webhookId: string, data: unknown): Promise<unknown> => {
  if (!hasSensitiveFields(data)) return data;
  const seal = await sealer.forWebhook(webhookId, true);
  if (seal === 'forgotten' || seal === undefined) throw new SealingUnavailableError(`${webhookId} was forgotten: nothing more is sealed for it`);
  return mapSensitiveEventFields(data, (value, field) => (needsSealing(field, value) && !sealer.isSealed(value) ? seal.seal(value) : value));
};

/**
 * The event log with webhook events sealed on append, and opened where one webhook's stream is
 * read (`readStream`: commands, history, as_of), for its owner. The log-wide reads (`readAll`,
 * `readAllData`: verify, export, projections) return events as stored, sealed: `verify` and a
 * SIEM recompute hashes without a key, and the list projection keeps sealed settings, opened by
 * `SealedReadModel` for its readers (no crypto in a replay).
 */
export class SealedEventStore implements EventStore {
  constructor(
    private readonly inner: EventStore,
    private readonly sealer: FieldSealer,
  ) {}

  async append(streamId: string, expectedRevision: number, events: readonly NewEvent[]): Promise<AppendResult> {
    const webhookId = webhookIdOfStream(streamId);
    if (webhookId === undefined) return this.inner.append(streamId, expectedRevision, events);
    const sealed: NewEvent[] = [];
    for (const e of events) sealed.push({ ...e, data: await sealData(this.sealer, webhookId, e.data) });
    return this.inner.append(streamId, expectedRevision, sealed);
  }

  async readStream(streamId: string, options?: ReadStreamOptions): Promise<readonly StoredEvent[]> {
    return this.open(await this.inner.readStream(streamId, options));
  }

  readAll(options?: ReadAllOptions): Promise<readonly StoredEvent[]> {
    return this.inner.readAll(options);
  }

  async readAllData(options?: ReadAllOptions): Promise<readonly LoggedEvent[]> {
    if (this.inner.readAllData) return this.inner.readAllData(options);
    return (await this.inner.readAll(options)).map(toLoggedEvent);
  }

  close(): Promise<void> {
    return this.inner.close();
  }

  private async open(events: readonly StoredEvent[]): Promise<readonly StoredEvent[]> {
    const opened: StoredEvent[] = new Array(events.length);
    for (let i = 0; i < events.length; i++) {
      const e = events[i]!;
      const webhookId = webhookIdOfStream(e.streamId);
      opened[i] = webhookId === undefined || !containsSealed(this.sealer, e.data) ? e : { ...e, data: await openSealedData(this.sealer, webhookId, e.data) };
    }
    return opened;
  }
}

const openWebhook = async (sealer: FieldSealer, webhook: ExistingWebhook): Promise<ExistingWebhook> =>
  containsSealed(sealer, webhook) ? ((await openSealedData(sealer, webhook.webhook_id, webhook)) as ExistingWebhook) : webhook;

/**
 * The list projection, whose rows hold sealed settings (folded from sealed events): `get` and
 * `list` open them; `getMany` and `apply`, the projection's own reads and writes, pass them through sealed.
 */
export class SealedReadModel implements WebhookReadModel {
  constructor(
    private readonly inner: WebhookReadModel,
    private readonly sealer: FieldSealer,
  ) {}

  checkpoint(): Promise<number> {
    return this.inner.checkpoint();
  }

  async get(webhookId: string): Promise<WebhookRow | undefined> {
    const row = await this.inner.get(webhookId);
    return row && { ...row, webhook: await openWebhook(this.sealer, row.webhook) };
  }

  getMany(webhookIds: readonly string[]): Promise<ReadonlyMap<string, WebhookRow>> {
    return this.inner.getMany(webhookIds);
  }

  apply(rows: readonly WebhookRow[], checkpoint: number): Promise<void> {
    return this.inner.apply(rows, checkpoint);
  }

  async list(query: WebhookListQuery): Promise<WebhookListPage> {
    const page = await this.inner.list(query);
    const rows: WebhookRow[] = [];
    for (const row of page.rows) rows.push({ ...row, webhook: await openWebhook(this.sealer, row.webhook) });
    return { ...page, rows };
  }

  reset(): Promise<void> {
    return this.inner.reset();
  }
}

/** Signing secrets sealed with their webhook's data key; a secret stored before sealing reads as it was. */
export class SealedWebhookSecrets implements WebhookSecrets {
  constructor(
    private readonly inner: WebhookSecrets,
    private readonly sealer: FieldSealer,
  ) {}

  async issue(webhookId: string, secret: string): Promise<void> {
    await this.inner.issue(webhookId, await this.sealOne(webhookId, secret));
  }

  async get(webhookId: string): Promise<WebhookSecretSet | undefined> {
    const set = await this.inner.get(webhookId);
    return set && this.openSet(webhookId, set);
  }

  async rotate(webhookId: string, secret: string, previousExpiresAt: string): Promise<WebhookSecretSet> {
    const set = await this.inner.rotate(webhookId, await this.sealOne(webhookId, secret), previousExpiresAt);
    return (await this.openSet(webhookId, set)) ?? set;
  }

  private async sealOne(webhookId: string, secret: string): Promise<string> {
    const seal = await this.sealer.forWebhook(webhookId, true);
    if (seal === 'forgotten' || seal === undefined) throw new SealingUnavailableError(`${webhookId} was forgotten: it has no secret any more`);
    return seal.seal(secret);
  }

  /** Undefined once the webhook was forgotten: its secrets are gone with its key. */
  private async openSet(webhookId: string, set: WebhookSecretSet): Promise<WebhookSecretSet | undefined> {
    const sealed = [set.current, set.previous?.secret].some((s) => this.sealer.isSealed(s));
    if (!sealed) return set;
    const seal = await this.sealer.forWebhook(webhookId, false);
    if (seal === 'forgotten') return undefined;
    if (seal === undefined) throw new SealingUnavailableError(`the secrets of ${webhookId} have no data key in this database`);
    const open = (s: string) => (this.sealer.isSealed(s) ? openSecret(seal, s, webhookId) : s);
    return { current: open(set.current), previous: set.previous && { ...set.previous, secret: open(set.previous.secret) } };
  }
}

/**
 * Opened secrets, by the data key that opened them (the sealer's `WebhookSeal` object) and the
 * sealed text: every attempt reads the stored secrets, but decrypts them once per key while the
 * sealer keeps it. An entry lives no longer than its key: once forgotten (or expired from the
 * sealer's cache) `forWebhook` stops returning that object, so nothing here is consulted again
 * and the entries go with it. A rotation seals a new text: a new entry, never a stale one.
 */
const openedSecrets = new WeakMap<WebhookSeal, Map<string, { readonly webhookId: string; readonly secret: string }>>();
/** A webhook has a current and a previous secret; a few more cover rotations while its key is kept. */
const OPENED_PER_KEY = 4;

const openSecret = (seal: WebhookSeal, sealed: string, webhookId: string): string => {
  let opened = openedSecrets.get(seal);
  const known = opened?.get(sealed);
  // The webhook id is the sealed text's associated data: a text copied from another webhook must still fail to open.
  if (known !== undefined && known.webhookId === webhookId) return known.secret;
  const secret = String(openValue(seal, sealed, webhookId));
  if (opened === undefined) openedSecrets.set(seal, (opened = new Map()));
  if (opened.size >= OPENED_PER_KEY) opened.clear();
  opened.set(sealed, { webhookId, secret });
  return secret;
};
