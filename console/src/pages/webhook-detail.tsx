import { useRef, useState } from 'preact/hooks';
import { type Attempt, type AttemptPage, type DeliveredMessage, type HistoryEvent, type Webhook, webhooks } from '../api.js';
import { ErrorNote, Loading, useLoad, when } from './shared.js';

/** One webhook: its settings and actions, its history, and its deliveries. */
export const WebhookDetail = ({ webhookId }: { webhookId: string }) => {
  const hook = useLoad(() => webhooks.get(webhookId), [webhookId]);
  const [tab, setTab] = useState<'history' | 'deliveries'>('deliveries');
  const [notice, setNotice] = useState<string>();
  const [failure, setFailure] = useState<string>();
  const [secret, setSecret] = useState<string>();
  const confirmDelete = useRef<HTMLDialogElement>(null);

  if (hook.loading && !hook.value) return <Loading what="the webhook" />;
  if (!hook.value) return <ErrorNote>{hook.error}</ErrorNote>;
  const w = hook.value;
  const act = async (label: string, action: () => Promise<unknown>) => {
    setFailure(undefined);
    try {
      await action();
      setNotice(label);
      hook.reload();
    } catch (e) {
      setFailure((e as Error).message);
    }
  };

  return (
    <>
      <hgroup>
        <h1>{w.webhook_name}</h1>
        <p>
          <span class={`badge ${w.is_active ? 'active' : 'paused'}`}>{w.is_active ? 'active' : 'paused'}</span> <code>{w.webhook_id}</code> · version {w.version} ·{' '}
          {w.event_types.join(', ')}
        </p>
      </hgroup>
      <div class="actions" role="group" aria-label="Webhook actions">
        <a href={`#/webhooks/${w.webhook_id}/edit`} role="button" class="secondary">Edit</a>
        <button type="button" class="secondary" onClick={() => act(w.is_active ? 'Paused.' : 'Resumed.', () => webhooks.setActive(w.webhook_id, !w.is_active))}>
          {w.is_active ? 'Pause' : 'Resume'}
        </button>
        <button type="button" class="secondary" onClick={() => act('A test event is on its way to every channel.', () => webhooks.test(w.webhook_id))}>Send test event</button>
        <button type="button" class="secondary" onClick={() => act('Secret rotated; the old one signs too for 24 hours.', async () => setSecret((await webhooks.rotate(w.webhook_id)).secret))}>
          Rotate secret
        </button>
        <button type="button" class="secondary outline" onClick={() => confirmDelete.current?.showModal()}>Delete</button>
      </div>
      <p role="status">{notice}</p>
      {failure && <ErrorNote>{failure}</ErrorNote>}
      {secret && <p>New signing secret: <span class="secret">{secret}</span></p>}
      {w.last_error && (
        <p>
          Last error: {w.last_error.message} on {w.last_error.channel} at {when(w.last_error.at)}
        </p>
      )}
      <dialog ref={confirmDelete} aria-labelledby="delete-title">
        <article>
          <h2 id="delete-title">Delete {w.webhook_name}?</h2>
          <p>It stops receiving events at once. Its history stays for audit.</p>
          <footer class="actions">
            <button type="button" class="secondary" onClick={() => confirmDelete.current?.close()}>Keep it</button>
            <button
              type="button"
              onClick={async () => {
                confirmDelete.current?.close();
                await act('Deleted.', () => webhooks.remove(w.webhook_id));
                location.hash = '#/webhooks';
              }}
            >
              Delete webhook
            </button>
          </footer>
        </article>
      </dialog>

      <div role="tablist" aria-label="Webhook views" class="actions">
        {(['deliveries', 'history'] as const).map((t) => (
          <button key={t} type="button" role="tab" id={`tab-${t}`} aria-selected={tab === t} aria-controls={`panel-${t}`} class={tab === t ? '' : 'outline'} onClick={() => setTab(t)}>
            {t === 'history' ? 'History' : 'Deliveries'}
          </button>
        ))}
      </div>
      <section role="tabpanel" id={`panel-${tab}`} aria-labelledby={`tab-${tab}`}>
        {tab === 'history' ? <History webhookId={w.webhook_id} /> : <Deliveries webhook={w} />}
      </section>
    </>
  );
};

type Fields = Record<string, unknown>;
/** What each event sets, so the timeline can show old -> new. */
const changes = (e: HistoryEvent): Fields => {
  switch (e.type) {
    case 'WebhookCreated': return { webhook_name: e.data.webhook_name, event_types: e.data.event_types, channels: e.data.channels, is_active: e.data.is_active ?? true };
    case 'WebhookRenamed': return { webhook_name: e.data.webhook_name };
    case 'WebhookEventTypesChanged': return { event_types: e.data.event_types };
    case 'WebhookChannelsChanged': return { channels: e.data.channels };
    case 'WebhookPaused': return { is_active: false, reason: e.data.reason };
    case 'WebhookResumed': return { is_active: true };
    default: return {};
  }
};
const show = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v));

const History = ({ webhookId }: { webhookId: string }) => {
  const history = useLoad(() => webhooks.history(webhookId), [webhookId]);
  const [asOf, setAsOf] = useState<{ at: string; webhook?: Webhook; error?: string }>();
  if (history.loading) return <Loading what="the history" />;
  if (!history.value) return <ErrorNote>{history.error}</ErrorNote>;
  const seen: Fields = {};
  const view = async (at: string) => {
    setAsOf({ at });
    try {
      setAsOf({ at, webhook: await webhooks.get(webhookId, at) });
    } catch (e) {
      setAsOf({ at, error: (e as Error).message });
    }
  };
  return (
    <>
      <h2>History</h2>
      <ol class="timeline">
        {history.value.events.map((e) => {
          const set = changes(e);
          const rows = Object.entries(set).filter(([k, v]) => k === 'reason' || show(seen[k]) !== show(v));
          const before = { ...seen };
          Object.assign(seen, set);
          return (
            <li key={e.revision}>
              <strong>{e.type.replace(/^Webhook/, '')}</strong> <small>by {e.actor} at {when(e.recorded_at)} (revision {e.revision})</small>
              <ul class="diff">
                {rows.map(([k, v]) => (
                  <li key={k}>
                    {k}: {k in before && k !== 'reason' ? <><del>{show(before[k])}</del> → </> : null}
                    <ins>{show(v)}</ins>
                  </li>
                ))}
              </ul>
              <button type="button" class="outline secondary" onClick={() => view(e.recorded_at)}>View as of this</button>
            </li>
          );
        })}
      </ol>
      {asOf && (
        <article aria-live="polite">
          <h3>As of {when(asOf.at)}</h3>
          {asOf.error && <ErrorNote>{asOf.error}</ErrorNote>}
          {!asOf.webhook && !asOf.error && <Loading what="that moment" />}
          {asOf.webhook && (
            <p>
              {asOf.webhook.webhook_name} · {asOf.webhook.is_active ? 'active' : 'paused'} · version {asOf.webhook.version} · {asOf.webhook.event_types.join(', ')}
            </p>
          )}
        </article>
      )}
    </>
  );
};

const localToIso = (v: string) => (v ? new Date(v).toISOString() : '');

/** The payload of an attempt's message, fetched when first opened: once per message, however many attempts show it. */
const Payload = ({ load }: { load: () => Promise<DeliveredMessage> }) => {
  const [state, setState] = useState<{ text?: string; error?: string }>();
  const open = (e: Event) => {
    if (!(e.currentTarget as HTMLDetailsElement).open || state) return;
    setState({});
    load().then(
      (m) => setState({ text: `webhook-id: ${m.message_id}\n${JSON.stringify({ type: m.event_type, timestamp: m.accepted_at, data: m.data }, null, 2)}` }),
      (error: Error) => setState({ error: error.message }),
    );
  };
  return (
    <details onToggle={open}>
      <summary>payload</summary>
      {state?.text !== undefined ? <pre>{state.text}</pre> : state?.error ? <ErrorNote>{state.error}</ErrorNote> : <p aria-busy="true">Loading the payload…</p>}
    </details>
  );
};

const Deliveries = ({ webhook }: { webhook: Webhook }) => {
  const [filter, setFilter] = useState({ status: '', channel: '', since: '', until: '' });
  const query = { status: filter.status, channel: filter.channel, since: localToIso(filter.since), until: localToIso(filter.until) };
  const attempts = useLoad(() => webhooks.attempts(webhook.webhook_id, query), [webhook.webhook_id, JSON.stringify(query)]);
  const [notice, setNotice] = useState<string>();
  const [failure, setFailure] = useState<string>();
  // Older pages, kept only while the first page they follow is the one shown (a refresh or a new filter starts again).
  const [older, setOlder] = useState<{ after?: AttemptPage; pages: AttemptPage[] }>({ pages: [] });
  const [loadingMore, setLoadingMore] = useState(false);
  const pages = attempts.value ? [attempts.value, ...(older.after === attempts.value ? older.pages : [])] : [];
  const rows = pages.flatMap((p) => p.results);
  const next = pages.at(-1)?.pagination.next_cursor ?? null;
  const loadMore = async () => {
    const first = attempts.value;
    if (!first || !next) return;
    setLoadingMore(true);
    try {
      const page = await webhooks.attempts(webhook.webhook_id, { ...query, cursor: next });
      setOlder((o) => ({ after: first, pages: [...(o.after === first ? o.pages : []), page] }));
    } catch (e) {
      setFailure((e as Error).message);
    } finally {
      setLoadingMore(false);
    }
  };
  const messages = useRef(new Map<string, Promise<DeliveredMessage>>());
  const messageOf = (messageId: string) => {
    let found = messages.current.get(messageId);
    if (!found) {
      found = webhooks.message(webhook.webhook_id, messageId);
      // A failed fetch is not kept: opening the payload again tries again.
      found.catch(() => messages.current.delete(messageId));
      messages.current.set(messageId, found);
    }
    return found;
  };
  const [recover, setRecover] = useState({ since: '', until: '' });
  const [round, setRound] = useState(0);
  const refresh = () => {
    attempts.reload();
    setRound((r) => r + 1);
  };
  const run = async (action: () => Promise<string>) => {
    setFailure(undefined);
    try {
      setNotice(await action());
      refresh();
    } catch (e) {
      setFailure((e as Error).message);
    }
  };
  const set = (patch: Partial<typeof filter>) => setFilter({ ...filter, ...patch });
  return (
    <>
      <div class="actions spread">
        <h2>Deliveries</h2>
        <button type="button" class="outline" onClick={refresh}>Refresh</button>
      </div>
      <Chart webhookId={webhook.webhook_id} round={round} />
      <form class="grid" onSubmit={(e) => e.preventDefault()} aria-label="Filter attempts">
        <label>
          Outcome
          <select value={filter.status} onChange={(e) => set({ status: e.currentTarget.value })}>
            <option value="">Any</option>
            <option value="succeeded">Succeeded</option>
            <option value="failed">Failed</option>
          </select>
        </label>
        <label>
          Channel
          <select value={filter.channel} onChange={(e) => set({ channel: e.currentTarget.value })}>
            <option value="">Any</option>
            {['webhook', 'slack', 'email', 'sms'].map((c) => <option key={c} value={c}>{c}</option>)}
          </select>
        </label>
        <label>
          From
          <input type="datetime-local" value={filter.since} onInput={(e) => set({ since: e.currentTarget.value })} />
        </label>
        <label>
          To
          <input type="datetime-local" value={filter.until} onInput={(e) => set({ until: e.currentTarget.value })} />
        </label>
      </form>
      <p role="status">{notice}</p>
      {failure && <ErrorNote>{failure}</ErrorNote>}
      {attempts.loading && !attempts.value && <Loading what="attempts" />}
      {attempts.error && <ErrorNote>{attempts.error}</ErrorNote>}
      {attempts.value && rows.length === 0 && <p>No attempts yet{filter.status || filter.channel || filter.since ? ' that match these filters' : ''}.</p>}
      {attempts.value && rows.length > 0 && (
        <div class="table-wrap">
          <table aria-label="Delivery attempts">
            <thead>
              <tr>
                <th scope="col">Time</th><th scope="col">Event</th><th scope="col">Channel</th><th scope="col">Attempt</th><th scope="col">Outcome</th>
                <th scope="col">Request</th><th scope="col">Response</th><th scope="col">Delivery</th><th scope="col"><span class="sr-only">Actions</span></th>
              </tr>
            </thead>
            <tbody>
              {rows.map((a, i) => (
                // Two channels of one kind log the same message, kind and attempt number: the place in the list tells them apart.
                <tr key={`${i}-${a.message_id}-${a.channel}-${a.attempt}`} data-message-id={a.message_id} data-outcome={a.status}>
                  <td>{when(a.at)}</td>
                  <td><code>{a.event_type}</code><br /><small>{a.message_id}</small></td>
                  <td>{a.channel}</td>
                  <td>{a.attempt}</td>
                  <td><span class={`badge ${a.status}`}>{a.status}</span> {a.status_code ?? ''} <small>{Math.round(a.latency_ms)} ms</small></td>
                  <td>
                    <Payload load={() => messageOf(a.message_id)} />
                  </td>
                  <td>
                    <details>
                      <summary>{a.error ?? (a.response_body ? 'body' : 'empty')}</summary>
                      <pre>{a.response_body ?? a.error ?? '(no body)'}</pre>
                    </details>
                  </td>
                  <td>{a.delivery_status}</td>
                  <td>
                    <button type="button" class="outline" aria-label={`Retry ${a.message_id}`} onClick={() => run(async () => (await webhooks.retry(webhook.webhook_id, a.message_id), `Retrying ${a.message_id}.`))}>
                      Retry
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {next && (
        <p>
          <button type="button" class="outline" aria-busy={loadingMore} disabled={loadingMore} onClick={loadMore}>
            Load older attempts
          </button>
        </p>
      )}
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void run(async () => {
            const { rescheduled } = await webhooks.recover(webhook.webhook_id, localToIso(recover.since), localToIso(recover.until) || undefined);
            return `${rescheduled} message${rescheduled === 1 ? '' : 's'} rescheduled.`;
          });
        }}
      >
        <fieldset class="grid">
          <legend>Recover failed and missed messages in a window</legend>
          <label>
            From
            <input type="datetime-local" required value={recover.since} onInput={(e) => setRecover({ ...recover, since: e.currentTarget.value })} />
          </label>
          <label>
            To (optional)
            <input type="datetime-local" value={recover.until} onInput={(e) => setRecover({ ...recover, until: e.currentTarget.value })} />
          </label>
          <button type="submit">Recover</button>
        </fieldset>
      </form>
    </>
  );
};

/** Up to `max` attempts matching `query`, newest first, page by page (pages hold at most 100). */
const attemptsUpTo = async (webhookId: string, query: Record<string, string>, max: number): Promise<Attempt[]> => {
  const out: Attempt[] = [];
  for (let cursor: string | null = null; ; ) {
    const page: AttemptPage = await webhooks.attempts(webhookId, { ...query, limit: '100', ...(cursor ? { cursor } : {}) });
    out.push(...page.results);
    cursor = page.pagination.next_cursor;
    if (!cursor || out.length >= max) return out;
  }
};

/** Success rate and mean latency per channel over the last 24 h (its latest 1,000 attempts), by hour, from the attempt log. */
const Chart = ({ webhookId, round }: { webhookId: string; round: number }) => {
  const data = useLoad(() => attemptsUpTo(webhookId, { since: new Date(Date.now() - 24 * 3600 * 1000).toISOString() }, 1000), [webhookId, round]);
  if (!data.value || data.value.length === 0) return null;
  const channels = [...new Set(data.value.map((a) => a.channel))];
  const now = Date.now();
  const hourOf = (a: Attempt) => 23 - Math.min(23, Math.floor((now - Date.parse(a.at)) / 3_600_000));
  return (
    <figure>
      {channels.map((channel) => {
        const hours = Array.from({ length: 24 }, () => ({ ok: 0, bad: 0, latency: 0 }));
        for (const a of data.value!.filter((x) => x.channel === channel)) {
          const h = hours[hourOf(a)]!;
          if (a.status === 'succeeded') h.ok++;
          else h.bad++;
          h.latency += a.latency_ms;
        }
        const max = Math.max(1, ...hours.map((h) => h.ok + h.bad));
        const total = hours.reduce((s, h) => s + h.ok + h.bad, 0);
        const ok = hours.reduce((s, h) => s + h.ok, 0);
        const latency = hours.reduce((s, h) => s + h.latency, 0) / Math.max(1, total);
        const maxLatency = Math.max(1, ...hours.map((h) => h.latency / Math.max(1, h.ok + h.bad)));
        return (
          <div key={channel}>
            <svg class="chart" viewBox="0 0 240 40" width="100%" height="60" role="img" aria-label={`${channel}: ${Math.round((100 * ok) / total)}% of ${total} attempts succeeded in the last 24 hours, mean latency ${Math.round(latency)} ms`}>
              {hours.map((h, i) => {
                const okH = (36 * h.ok) / max;
                const badH = (36 * h.bad) / max;
                return (
                  <g key={i}>
                    <title>{`${24 - i} h ago: ${h.ok} succeeded, ${h.bad} failed, mean ${Math.round(h.latency / Math.max(1, h.ok + h.bad))} ms`}</title>
                    <rect class="ok" x={i * 10 + 1} y={40 - okH} width="8" height={okH} />
                    <rect class="bad" x={i * 10 + 1} y={40 - okH - badH} width="8" height={badH} />
                  </g>
                );
              })}
            </svg>
            <svg class="chart" viewBox="0 0 240 24" width="100%" height="36" role="img" aria-label={`${channel}: mean latency per hour, highest ${Math.round(maxLatency)} ms`}>
              {hours.map((h, i) => {
                const mean = h.latency / Math.max(1, h.ok + h.bad);
                const height = (22 * mean) / maxLatency;
                return (
                  <g key={i}>
                    <title>{`${24 - i} h ago: mean latency ${Math.round(mean)} ms`}</title>
                    <rect class="latency" x={i * 10 + 1} y={24 - height} width="8" height={height} />
                  </g>
                );
              })}
            </svg>
            <figcaption>
              <strong>{channel}</strong>: {Math.round((100 * ok) / total)}% of {total} attempts succeeded in the last 24 h; mean latency {Math.round(latency)} ms.
            </figcaption>
          </div>
        );
      })}
    </figure>
  );
};
