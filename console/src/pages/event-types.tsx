import { ErrorNote, Loading, byCategory, useCatalog } from './shared.js';

/** The organization's catalog by category, with what a consumer should invalidate for each. */
export const EventTypesPage = () => {
  const catalog = useCatalog();
  if (catalog.loading) return <Loading what="event types" />;
  if (catalog.error || !catalog.value) return <ErrorNote>{catalog.error}</ErrorNote>;
  return (
    <>
      <h1>Event types</h1>
      <p>
        Catalog <code>{catalog.value.catalog}</code>. Subscribe to one name, to <code>*</code> (everything), or to a prefix wildcard such as{' '}
        <code>{catalog.value.event_types[0]?.name.replace(/[._][^._]+$/, (m) => `${m[0]}*`)}</code>.
      </p>
      {[...byCategory(catalog.value.event_types)].map(([category, types]) => (
        <section key={category}>
          <h2>{category}</h2>
          <div class="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">Event type</th>
                  <th scope="col">Description</th>
                  <th scope="col">Cache scope</th>
                </tr>
              </thead>
              <tbody>
                {types.map((t) => (
                  <tr key={t.name}>
                    <td>
                      <code>{t.name}</code>
                    </td>
                    <td>{t.description}</td>
                    <td>{t.cache_scope ?? '—'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </section>
      ))}
    </>
  );
};
