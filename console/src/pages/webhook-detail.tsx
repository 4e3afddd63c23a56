import { useRef, useState } from 'preact/hooks';
import { webhooks } from '../api.js';
import { ErrorNote, Loading, useLoad, when } from './shared.js';
import { useAction } from './use-action.js';
import { Deliveries } from './webhook-deliveries.js';
import { History } from './webhook-history.js';

/** One webhook: its settings and actions, its history, and its deliveries. */
export const WebhookDetail = ({ webhookId }: { webhookId: string }) => {
  const hook = useLoad(() => webhooks.get(webhookId), [webhookId]);
  const [tab, setTab] = useState<'history' | 'deliveries'>('deliveries');
  const { notice, failure, run } = useAction(() => hook.reload());
  const [secret, setSecret] = useState<string>();
  const confirmDelete = useRef<HTMLDialogElement>(null);

  if (hook.loading && !hook.value) return <Loading what="the webhook" />;
  if (!hook.value) return <ErrorNote>{hook.error}</ErrorNote>;
  const w = hook.value;
  const act = (label: string, action: () => Promise<unknown>) => run(async () => (await action(), label));

  return (
    <>
      <hgroup>
        <h1>{w.webhook_name}</h1>
        <p>
          <span class={`badge ${w.is_active ? 'active' : 'paused'}`}>{w.is_active ? 'active' : 'paused'}</span> <code>{w.webhook_id}</code> · version{' '}
          {w.version} · {w.event_types.join(', ')}
        </p>
      </hgroup>
      <div class="actions" role="group" aria-label="Webhook actions">
        <a href={`#/webhooks/${w.webhook_id}/edit`} role="button" class="secondary">
          Edit
        </a>
        <button type="button" class="secondary" onClick={() => act(w.is_active ? 'Paused.' : 'Resumed.', () => webhooks.setActive(w.webhook_id, !w.is_active))}>
          {w.is_active ? 'Pause' : 'Resume'}
        </button>
        <button type="button" class="secondary" onClick={() => act('A test event is on its way to every channel.', () => webhooks.test(w.webhook_id))}>
          Send test event
        </button>
        <button
          type="button"
          class="secondary"
          onClick={() => act('Secret rotated; the old one signs too for 24 hours.', async () => setSecret((await webhooks.rotate(w.webhook_id)).secret))}
        >
          Rotate secret
        </button>
        <button type="button" class="secondary outline" onClick={() => confirmDelete.current?.showModal()}>
          Delete
        </button>
      </div>
      <p role="status">{notice}</p>
      {failure && <ErrorNote>{failure}</ErrorNote>}
      {secret && (
        <p>
          New signing secret: <span class="secret">{secret}</span>
        </p>
      )}
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
            <button type="button" class="secondary" onClick={() => confirmDelete.current?.close()}>
              Keep it
            </button>
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
          <button
            key={t}
            type="button"
            role="tab"
            id={`tab-${t}`}
            aria-selected={tab === t}
            aria-controls={`panel-${t}`}
            class={tab === t ? '' : 'outline'}
            onClick={() => setTab(t)}
          >
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
