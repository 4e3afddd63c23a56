import { useState } from 'preact/hooks';
import { ApiError, api, session } from '../api.js';

/** Signs in with an API key: checked against the API, then kept in this tab's session storage only. */
export const SignIn = ({ onSignedIn }: { onSignedIn: () => void }) => {
  const [key, setKey] = useState('');
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      await api('GET', '/v1/event-types', undefined, {}, key.trim());
      session.signIn(key.trim());
      onSignedIn();
    } catch (err) {
      setError(err instanceof ApiError && err.status === 401 ? 'That key was not accepted. Check it and try again.' : (err as Error).message);
    } finally {
      setBusy(false);
    }
  };
  return (
    <main class="container">
      <article>
        <h1>Sign in to Hookledger</h1>
        <form onSubmit={submit}>
          <label>
            API key
            <input
              type="password"
              name="api-key"
              autocomplete="off"
              placeholder="sk_…"
              value={key}
              onInput={(e) => setKey(e.currentTarget.value)}
              aria-invalid={error ? 'true' : undefined}
              aria-describedby="sign-in-help"
              required
            />
            <small id="sign-in-help">{error ?? 'Create one with `npx hookledger keys create --org <name>`. It stays in this tab only.'}</small>
          </label>
          <button type="submit" aria-busy={busy}>
            Sign in
          </button>
        </form>
      </article>
    </main>
  );
};
