import '@picocss/pico/css/pico.min.css';
import './console.css';
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { session } from './api.js';
import { EventTypesPage } from './pages/event-types.js';
import { SignIn } from './pages/sign-in.js';
import { WebhookDetail } from './pages/webhook-detail.js';
import { WebhookForm } from './pages/webhook-form.js';
import { WebhookList } from './pages/webhook-list.js';

/** Hash routes: the console is static files, so any path under /console serves this page. */
const useRoute = () => {
  const [hash, setHash] = useState(location.hash || '#/webhooks');
  useEffect(() => {
    const on = () => setHash(location.hash || '#/webhooks');
    window.addEventListener('hashchange', on);
    return () => window.removeEventListener('hashchange', on);
  }, []);
  return hash.slice(1).split('/').filter(Boolean);
};

const App = () => {
  const [signedIn, setSignedIn] = useState(Boolean(session.key()));
  const route = useRoute();
  useEffect(() => {
    const out = () => setSignedIn(false);
    window.addEventListener('hookledger:signed-out', out);
    return () => window.removeEventListener('hookledger:signed-out', out);
  }, []);
  if (!signedIn) return <SignIn onSignedIn={() => setSignedIn(true)} />;
  const signOut = () => {
    session.signOut();
    setSignedIn(false);
  };
  const [section, id, sub] = route;
  let page;
  if (section === 'event-types') page = <EventTypesPage />;
  else if (section === 'webhooks' && id === 'new') page = <WebhookForm />;
  else if (section === 'webhooks' && id && sub === 'edit') page = <WebhookForm webhookId={id} />;
  else if (section === 'webhooks' && id) page = <WebhookDetail webhookId={id} />;
  else page = <WebhookList />;
  return (
    <>
      <header class="container">
        <nav aria-label="Main">
          <ul>
            <li>
              <strong>Hookledger</strong>
            </li>
          </ul>
          <ul>
            <li>
              <a href="#/webhooks" aria-current={section !== 'event-types' ? 'page' : undefined}>
                Webhooks
              </a>
            </li>
            <li>
              <a href="#/event-types" aria-current={section === 'event-types' ? 'page' : undefined}>
                Event types
              </a>
            </li>
            <li>
              <button type="button" class="secondary outline" onClick={signOut}>
                Sign out
              </button>
            </li>
          </ul>
        </nav>
      </header>
      <main class="container">{page}</main>
    </>
  );
};

render(<App />, document.getElementById('app')!);
