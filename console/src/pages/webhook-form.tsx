import { useEffect, useState } from 'preact/hooks';
import { ApiError, type ErrorDetail, webhooks } from '../api.js';
import { errorFor, validateSettings } from '../validate.js';
import { ErrorNote, Loading, byCategory, useCatalog } from './shared.js';

type Kind = 'webhook' | 'slack' | 'email' | 'sms';
/** One channel as the form edits it; `original` keeps the settings the form has no field for (headers, templates…). */
interface ChannelDraft {
  kind: Kind;
  target: string;
  extra: string;
  original?: { channel_id?: string; channel: string; configs: Record<string, unknown> };
}

const list = (text: string) =>
  text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
/** The form's channel rows as the API's channel objects; an edit keeps what the form does not show. */
const toChannel = (c: ChannelDraft) => {
  const edited = toEditedChannel(c);
  if (c.original?.channel !== c.kind) return edited;
  const kept = { ...c.original.configs };
  // The optional field the form shows is dropped when emptied, not kept from before.
  for (const optional of ['timeout', 'channel', 'subject_template', 'message_template']) delete kept[optional];
  // The same channel edited keeps its id, so deliveries already queued for it go to the new settings.
  const id = c.original.channel_id ? { channel_id: c.original.channel_id } : {};
  return { ...id, channel: edited.channel, configs: { ...kept, ...edited.configs } };
};
const toEditedChannel = (c: ChannelDraft): { channel: string; configs: Record<string, unknown> } => {
  switch (c.kind) {
    case 'webhook':
      return { channel: 'webhook', configs: { url: c.target.trim(), ...(c.extra ? { timeout: Number(c.extra) } : {}) } };
    case 'slack':
      return { channel: 'slack', configs: { webhook_url: c.target.trim(), ...(c.extra ? { channel: c.extra.trim() } : {}) } };
    case 'email':
      return { channel: 'email', configs: { to_addresses: list(c.target), ...(c.extra ? { subject_template: c.extra } : {}) } };
    case 'sms':
      return { channel: 'sms', configs: { phone_numbers: list(c.target), ...(c.extra ? { message_template: c.extra } : {}) } };
  }
};
const fromChannel = (c: { channel_id?: string; channel: string; configs: Record<string, unknown> }): ChannelDraft => {
  const k = c.configs;
  const original = { original: c };
  if (c.channel === 'slack') return { kind: 'slack', target: String(k.webhook_url ?? ''), extra: String(k.channel ?? ''), ...original };
  if (c.channel === 'email')
    return { kind: 'email', target: ((k.to_addresses as string[]) ?? []).join(', '), extra: String(k.subject_template ?? ''), ...original };
  if (c.channel === 'sms')
    return { kind: 'sms', target: ((k.phone_numbers as string[]) ?? []).join(', '), extra: String(k.message_template ?? ''), ...original };
  return { kind: 'webhook', target: String(k.url ?? ''), extra: k.timeout ? String(k.timeout) : '', ...original };
};
const LABELS: Record<Kind, [string, string]> = {
  webhook: ['Endpoint URL', 'Timeout (seconds, optional)'],
  slack: ['Slack incoming-webhook URL', 'Slack channel (optional)'],
  email: ['Recipients (comma-separated)', 'Subject template (optional)'],
  sms: ['Phone numbers, E.164 (comma-separated)', 'Message template (optional)'],
};

/** Creates or edits a webhook; checks it with the domain's own rules before sending. */
export const WebhookForm = ({ webhookId }: { webhookId?: string }) => {
  const catalog = useCatalog();
  const [name, setName] = useState('');
  const [types, setTypes] = useState<string[]>([]);
  const [channels, setChannels] = useState<ChannelDraft[]>([{ kind: 'webhook', target: '', extra: '' }]);
  const [version, setVersion] = useState<number>();
  const [errors, setErrors] = useState<ErrorDetail[]>([]);
  const [failure, setFailure] = useState<string>();
  const [created, setCreated] = useState<{ id: string; secret: string }>();
  const [busy, setBusy] = useState(false);
  const [loading, setLoading] = useState(Boolean(webhookId));

  useEffect(() => {
    if (!webhookId) return;
    webhooks.get(webhookId).then(
      (w) => {
        setName(w.webhook_name);
        setTypes(w.event_types);
        setChannels(w.channels.map((c) => fromChannel(c as never)));
        setVersion(w.version);
        setLoading(false);
      },
      (e: Error) => {
        setFailure(e.message);
        setLoading(false);
      },
    );
  }, [webhookId]);

  if (catalog.loading || loading) return <Loading what="the form" />;
  if (!catalog.value) return <ErrorNote>{catalog.error}</ErrorNote>;
  if (created) {
    return (
      <article>
        <h1>Webhook created</h1>
        <p>Its signing secret is shown once here (and again under “Signing secret” on the webhook). Receivers verify each request with it.</p>
        <p class="secret" aria-label="Signing secret">
          {created.secret}
        </p>
        <a href={`#/webhooks/${created.id}`} role="button">
          Open the webhook
        </a>
      </article>
    );
  }

  const toggle = (t: string) => setTypes(types.includes(t) ? types.filter((x) => x !== t) : [...types, t]);
  const settings = () => ({ webhook_name: name, event_types: types, channels: channels.map(toChannel) });
  const submit = async (e: Event) => {
    e.preventDefault();
    setFailure(undefined);
    const problems = validateSettings(settings(), catalog.value!.catalog);
    setErrors(problems);
    if (problems.length > 0) return;
    setBusy(true);
    try {
      if (webhookId) {
        await webhooks.update(webhookId, settings(), version!);
        location.hash = `#/webhooks/${webhookId}`;
      } else {
        const w = await webhooks.create(settings());
        setCreated({ id: w.webhook_id, secret: w.secret });
      }
    } catch (err) {
      if (err instanceof ApiError && err.details.length) setErrors(err.details);
      setFailure(
        err instanceof ApiError && err.status === 412 ? 'Someone changed this webhook meanwhile: reload to see their change.' : (err as Error).message,
      );
    } finally {
      setBusy(false);
    }
  };
  const field = (...path: (string | number)[]) => {
    const message = errorFor(errors, ...path);
    const id = `err-${path.join('-')}`;
    return {
      message,
      props: { 'aria-invalid': message ? ('true' as const) : undefined, 'aria-describedby': message ? id : undefined },
      note: message && (
        <small id={id} class="error">
          {message}
        </small>
      ),
    };
  };
  const nameField = field('webhook_name');
  const typesField = field('event_types');
  const separator = catalog.value.event_types[0]?.name.includes('.') ? '.' : '_';

  return (
    <form onSubmit={submit} noValidate>
      <h1>{webhookId ? 'Edit webhook' : 'New webhook'}</h1>
      {(failure || errors.length > 0) && (
        <ErrorNote>{failure ?? (errors.length === 1 ? 'One problem to fix below.' : `${errors.length} problems to fix below.`)}</ErrorNote>
      )}
      <label>
        Name
        <input name="webhook_name" value={name} onInput={(e) => setName(e.currentTarget.value)} {...nameField.props} />
        {nameField.note}
      </label>

      <fieldset class="event-types" {...typesField.props}>
        <legend>Event types</legend>
        {typesField.note}
        <label>
          <input type="checkbox" checked={types.includes('*')} onChange={() => toggle('*')} /> Every event (<code>*</code>)
        </label>
        {[...byCategory(catalog.value.event_types)].map(([category, list]) => {
          const prefix = list[0]!.name.split(separator)[0]!;
          const wildcard = `${prefix}${separator}*`;
          return (
            <details key={category}>
              <summary>
                {category}{' '}
                {list.some((t) => types.includes(t.name)) || types.includes(wildcard)
                  ? `(${types.filter((t) => t === wildcard || list.some((x) => x.name === t)).length} chosen)`
                  : ''}
              </summary>
              <label>
                <input type="checkbox" checked={types.includes(wildcard)} onChange={() => toggle(wildcard)} /> All of <code>{wildcard}</code>
              </label>
              {list.map((t) => (
                <label key={t.name}>
                  <input type="checkbox" name="event_type" value={t.name} checked={types.includes(t.name)} onChange={() => toggle(t.name)} />{' '}
                  <code>{t.name}</code> <small>{t.description}</small>
                </label>
              ))}
            </details>
          );
        })}
      </fieldset>

      <fieldset>
        <legend>Channels</legend>
        {field('channels').message && !errors.some((e) => e.path[0] === 'channels' && e.path.length > 1) && field('channels').note}
        {channels.map((c, i) => {
          const f = field('channels', i);
          const [targetLabel, extraLabel] = LABELS[c.kind];
          const set = (patch: Partial<ChannelDraft>) => setChannels(channels.map((x, j) => (j === i ? { ...x, ...patch } : x)));
          return (
            <article key={i} aria-label={`Channel ${i + 1}`}>
              <div class="grid">
                <label>
                  Kind
                  <select value={c.kind} onChange={(e) => set({ kind: e.currentTarget.value as Kind, extra: '' })}>
                    <option value="webhook">HTTP webhook</option>
                    <option value="slack">Slack</option>
                    <option value="email">Email</option>
                    <option value="sms">SMS</option>
                  </select>
                </label>
                <label>
                  {targetLabel}
                  <input name={`channel-${i}-target`} value={c.target} onInput={(e) => set({ target: e.currentTarget.value })} {...f.props} />
                </label>
                <label>
                  {extraLabel}
                  <input name={`channel-${i}-extra`} value={c.extra} onInput={(e) => set({ extra: e.currentTarget.value })} />
                </label>
              </div>
              {f.note}
              {channels.length > 1 && (
                <button type="button" class="secondary outline" onClick={() => setChannels(channels.filter((_, j) => j !== i))}>
                  Remove channel {i + 1}
                </button>
              )}
            </article>
          );
        })}
        <button type="button" class="secondary" onClick={() => setChannels([...channels, { kind: 'webhook', target: '', extra: '' }])}>
          Add a channel
        </button>
      </fieldset>
      <div class="actions">
        <button type="submit" aria-busy={busy}>
          {webhookId ? 'Save changes' : 'Create webhook'}
        </button>
        <a href={webhookId ? `#/webhooks/${webhookId}` : '#/webhooks'} role="button" class="secondary outline">
          Cancel
        </a>
      </div>
    </form>
  );
};
