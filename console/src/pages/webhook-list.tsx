import { useState } from 'preact/hooks';
import { webhooks } from '../api.js';
import { ErrorNote, Loading, useCatalog, useLoad } from './shared.js';

/** Every webhook of the organization, with search and the API's event_type / is_active filters. */
export const WebhookList = () => {
  const [search, setSearch] = useState('');
  const [eventType, setEventType] = useState('');
  const [status, setStatus] = useState('');
  const catalog = useCatalog();
  const list = useLoad(
    () => webhooks.list({ ...(eventType ? { event_type: eventType } : {}), ...(status ? { is_active: status === 'active' } : {}) }),
    [eventType, status],
  );
  const shown = (list.value?.results ?? []).filter((w) => w.webhook_name.toLowerCase().includes(search.trim().toLowerCase()));
  return (
    <>
      <div class="actions spread">
        <h1>Webhooks</h1>
        <a href="#/webhooks/new" role="button">
          New webhook
        </a>
      </div>
      <form aria-label="Filter webhooks" onSubmit={(e) => e.preventDefault()} class="grid">
        <label>
          Search by name
          <input type="search" value={search} onInput={(e) => setSearch(e.currentTarget.value)} />
        </label>
        <label>
          Receives event type
          <select value={eventType} onChange={(e) => setEventType(e.currentTarget.value)}>
            <option value="">Any</option>
            {catalog.value?.event_types.map((t) => (
              <option key={t.name} value={t.name}>
                {t.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          Status
          <select value={status} onChange={(e) => setStatus(e.currentTarget.value)}>
            <option value="">Any</option>
            <option value="active">Active</option>
            <option value="paused">Paused</option>
          </select>
        </label>
      </form>
      {list.loading && <Loading what="webhooks" />}
      {list.error && <ErrorNote>{list.error}</ErrorNote>}
      {!list.loading && !list.error && shown.length === 0 && (
        <article>
          <p>{list.value?.total ? 'No webhook matches these filters.' : 'No webhooks yet.'}</p>
          <a href="#/webhooks/new">Create your first webhook</a>
        </article>
      )}
      {shown.length > 0 && (
        <div class="table-wrap">
          <table>
            <caption>
              {shown.length} of {list.value?.total} webhooks
            </caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Status</th>
                <th scope="col">Event types</th>
                <th scope="col">Last error</th>
              </tr>
            </thead>
            <tbody>
              {shown.map((w) => (
                <tr key={w.webhook_id}>
                  <td>
                    <a href={`#/webhooks/${w.webhook_id}`}>{w.webhook_name}</a>
                  </td>
                  <td>
                    <span class={`badge ${w.is_active ? 'active' : 'paused'}`}>{w.is_active ? 'active' : 'paused'}</span>
                  </td>
                  <td>{w.event_types.join(', ')}</td>
                  <td>{w.last_error ? `${w.last_error.message} (${w.last_error.channel})` : '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
};
