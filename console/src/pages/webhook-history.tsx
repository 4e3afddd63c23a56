import { useMemo, useState } from 'preact/hooks';
import { webhooks } from '../api.js';
import { asOf, show, timeline } from '../history.js';
import { ErrorNote, Loading, useLoad, when } from './shared.js';

/** The audit trail as a timeline of changes (old → new), and the webhook as of any of its events. */
export const History = ({ webhookId }: { webhookId: string }) => {
  const history = useLoad(() => webhooks.history(webhookId), [webhookId]);
  const entries = useMemo(() => timeline(history.value?.events ?? []), [history.value]);
  const [at, setAt] = useState<string>();
  if (history.loading) return <Loading what="the history" />;
  if (!history.value) return <ErrorNote>{history.error}</ErrorNote>;
  const then = at === undefined ? undefined : asOf(entries, at);
  return (
    <>
      <h2>History</h2>
      <ol class="timeline">
        {entries.map(({ event: e, changes }) => (
          <li key={e.revision}>
            <strong>{e.type.replace(/^Webhook/, '')}</strong>{' '}
            <small>
              by {e.actor} at {when(e.recorded_at)} (revision {e.revision})
            </small>
            <ul class="diff">
              {changes.map((c) => (
                <li key={c.field}>
                  {c.field}:{' '}
                  {c.hadBefore ? (
                    <>
                      <del>{show(c.before)}</del> →{' '}
                    </>
                  ) : null}
                  <ins>{show(c.after)}</ins>
                </li>
              ))}
            </ul>
            <button type="button" class="outline secondary" onClick={() => setAt(e.recorded_at)}>
              View as of this
            </button>
          </li>
        ))}
      </ol>
      {at !== undefined && (
        <article aria-live="polite">
          <h3>As of {when(at)}</h3>
          {then && then.state.status !== 'initial' ? (
            <p>
              {then.state.webhook_name} · {then.state.status} · version {then.version} · {then.state.event_types.join(', ')}
            </p>
          ) : (
            <ErrorNote>The webhook did not exist yet.</ErrorNote>
          )}
        </article>
      )}
    </>
  );
};
