import { useRef, useState } from 'preact/hooks';
import { type AttemptPage, type DeliveredMessage, type Webhook, webhooks } from '../api.js';
import { Chart } from './delivery-chart.js';
import { ErrorNote, Loading, useLoad, when } from './shared.js';
import { useAction } from './use-action.js';

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

/** The delivery log of one webhook: chart, filters, attempts page by page, retry and recover. */
export const Deliveries = ({ webhook }: { webhook: Webhook }) => {
  const [filter, setFilter] = useState({ status: '', channel: '', since: '', until: '' });
  const query = { status: filter.status, channel: filter.channel, since: localToIso(filter.since), until: localToIso(filter.until) };
  const attempts = useLoad(() => webhooks.attempts(webhook.webhook_id, query), [webhook.webhook_id, JSON.stringify(query)]);
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
      fail((e as Error).message);
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
  const { notice, failure, run, fail } = useAction(refresh);
  const set = (patch: Partial<typeof filter>) => setFilter({ ...filter, ...patch });
  return (
    <>
      <div class="actions spread">
        <h2>Deliveries</h2>
        <button type="button" class="outline" onClick={refresh}>
          Refresh
        </button>
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
            {['webhook', 'slack', 'email', 'sms'].map((c) => (
              <option key={c} value={c}>
                {c}
              </option>
            ))}
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
                <th scope="col">Time</th>
                <th scope="col">Event</th>
                <th scope="col">Channel</th>
                <th scope="col">Attempt</th>
                <th scope="col">Outcome</th>
                <th scope="col">Request</th>
                <th scope="col">Response</th>
                <th scope="col">Delivery</th>
                <th scope="col">
                  <span class="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {rows.map((a, i) => (
                // Two channels of one kind log the same message, kind and attempt number: the place in the list tells them apart.
                <tr key={`${i}-${a.message_id}-${a.channel}-${a.attempt}`} data-message-id={a.message_id} data-outcome={a.status}>
                  <td>{when(a.at)}</td>
                  <td>
                    <code>{a.event_type}</code>
                    <br />
                    <small>{a.message_id}</small>
                  </td>
                  <td>{a.channel}</td>
                  <td>{a.attempt}</td>
                  <td>
                    <span class={`badge ${a.status}`}>{a.status}</span> {a.status_code ?? ''} <small>{Math.round(a.latency_ms)} ms</small>
                  </td>
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
                    <button
                      type="button"
                      class="outline"
                      aria-label={`Retry ${a.message_id}`}
                      onClick={() => run(async () => (await webhooks.retry(webhook.webhook_id, a.message_id), `Retrying ${a.message_id}.`))}
                    >
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
