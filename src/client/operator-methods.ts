import type { Client } from 'openapi-fetch';
import type { operations, paths } from './api-types.js';
import { cursorPages, itemsOf, offsetPages } from './pages.js';

type Json<T> = T extends { content: { 'application/json': infer B } } ? B : never;
type Body<Op extends keyof operations> = Json<NonNullable<operations[Op]['requestBody']>>;
type Query<Op extends keyof operations> = NonNullable<operations[Op]['parameters']['query']>;
type Ok = <T>(pending: Promise<{ data?: T; error?: unknown; response: Response }>) => Promise<T>;

const ifMatch = (revision: number | undefined) => (revision === undefined ? {} : { 'If-Match': `"${revision}"` });

/** The organization's own event catalog: `/v1/event-types`. `ifMatch` is the catalog revision (ETag) last seen. */
export const eventTypeMethods = (raw: Client<paths>, ok: Ok) => {
  const E = '/v1/event-types/{name}' as const;
  const methods = {
    /** One page of the catalog, archived types included. */
    list: (query: Query<'listEventTypes'> = {}) => ok(raw.GET('/v1/event-types', { params: { query } })),
    /** Every event type, one at a time. */
    all: (pageSize?: number) =>
      itemsOf(
        offsetPages(
          (offset) => methods.list({ limit: pageSize, offset }),
          (p) => p.event_types.length,
        ),
        (p) => p.event_types,
      ),
    create: (body: Body<'createEventType'>, options: { ifMatch?: number } = {}) => ok(raw.POST('/v1/event-types', { body, headers: ifMatch(options.ifMatch) })),
    get: (name: string) => ok(raw.GET(E, { params: { path: { name } } })),
    replace: (name: string, body: Body<'replaceEventType'>, options: { ifMatch?: number } = {}) =>
      ok(raw.PUT(E, { params: { path: { name } }, body, headers: ifMatch(options.ifMatch) })),
    /** No new subscriptions to it; existing ones keep receiving it. */
    archive: async (name: string, options: { ifMatch?: number } = {}): Promise<void> => {
      await ok(raw.DELETE(E, { params: { path: { name } }, headers: ifMatch(options.ifMatch) }));
    },
    history: (query: Query<'getEventTypeHistory'> = {}) => ok(raw.GET('/v1/event-types/history', { params: { query } })),
    /** Every change of the catalog, oldest first. */
    allHistory: (pageSize?: number) =>
      itemsOf(
        cursorPages(
          (cursor) => methods.history({ limit: pageSize, cursor }),
          (p) => p.pagination.next_cursor,
        ),
        (p) => p.events,
      ),
  };
  return methods;
};

/** Organizations and their keys: `/v1/admin/…`, for an operator key. `organization` is an id or a name. */
export const adminMethods = (raw: Client<paths>, ok: Ok) => {
  const O = '/v1/admin/organizations' as const;
  const organizations = {
    list: (query: Query<'listOrganizations'> = {}) => ok(raw.GET(O, { params: { query } })),
    all: (pageSize?: number) =>
      itemsOf(
        offsetPages(
          (offset) => organizations.list({ limit: pageSize, offset }),
          (p) => p.results.length,
        ),
        (p) => p.results,
      ),
    create: (body: Body<'createOrganization'>) => ok(raw.POST(O, { body })),
  };
  const keys = {
    list: (organization: string) => ok(raw.GET(`${O}/{organization}/keys`, { params: { path: { organization } } })),
    /** The answer holds the key itself, once: store it. */
    create: (organization: string, body: Body<'createOrganizationKey'> = {}) =>
      ok(raw.POST(`${O}/{organization}/keys`, { params: { path: { organization } }, body })),
    revoke: async (organization: string, keyId: string): Promise<void> => {
      await ok(raw.DELETE(`${O}/{organization}/keys/{key_id}`, { params: { path: { organization, key_id: keyId } } }));
    },
  };
  return { organizations, keys };
};
