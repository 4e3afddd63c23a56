import {
  type EventTypeDeps,
  type EventTypeView,
  CATALOG_HISTORY_PAGE,
  catalogHistoryPage,
  changeEventType,
  getEventType,
  listEventTypes,
} from '../../../application/index.js';
import {
  CatalogHistory,
  CatalogHistoryQuery,
  CreateEventTypeBody,
  EventTypePage,
  EventTypeResource,
  PageQuery,
  ReplaceEventTypeBody,
} from './catalog-schemas.js';
import { HttpError, orFail } from './errors.js';
import { parseIfMatch, presentHistoryEvent } from './present.js';
import { type Route, route } from './route.js';
import { EmptyQuery, ErrorEnvelope } from './schemas.js';
import { taggedCursor } from './tagged-cursor.js';

/** What the event-type routes need (ADR 0020). */
export interface EventTypeRouteDeps {
  readonly eventTypes: EventTypeDeps;
}

const BASE = '/v1/event-types';
const LIST_DEFAULT = 100;
const TAG = 'Event types';
const fail = (status: number, description: string) => ({ [status]: { description, schema: ErrorEnvelope } });
const NOT_FOUND = fail(404, 'no event type of that name in this organization’s catalog');
const CONFLICT = fail(409, 'a concurrent change won, even after retries');
const STALE = fail(412, 'If-Match names a stale catalog revision');
const INVALID = fail(422, 'a rule is broken: the naming rule, a duplicate name, a schema that is not valid or bounded JSON Schema; details give the paths');
const IF_MATCH = [{ name: 'If-Match', description: 'the catalog revision you last saw (its ETag); a stale one gives 412' }];

const etag = (revision: number) => ({ ETag: `"${revision}"` });
const expectedRevision = (header: string | undefined): number | undefined => {
  const parsed = parseIfMatch(header);
  if (parsed === 'invalid') throw new HttpError(400, 'BadRequest', 'If-Match must name a revision, such as "7"');
  return parsed === 'any' ? undefined : parsed;
};
const resource = (status: number, view: { eventType: EventTypeView; revision: number }, extra: Record<string, string> = {}) => ({
  status,
  body: view.eventType,
  headers: { ...etag(view.revision), ...extra },
});

/** History pages continue after a revision of one organization's catalog stream. */
const historyCursor = taggedCursor('k', (organizationId: string) => [organizationId], {
  message: 'cursor is not one this API issued for this catalog’s history',
  detail: 'unknown cursor: pass next_cursor from the previous page',
});

/** The organization's own event catalog: list, add, read, replace, archive, and its history (ADR 0020). */
export const eventTypeRoutes = (deps: EventTypeRouteDeps): Route[] => [
  route({
    method: 'get',
    path: BASE,
    operationId: 'listEventTypes',
    summary: 'The organization’s event catalog, a page at a time (archived types included)',
    tag: TAG,
    auth: true,
    query: PageQuery(LIST_DEFAULT),
    responses: { 200: { description: 'one page, in the order types were added', schema: EventTypePage, headers: ['ETag'] } },
    handle: async ({ query, caller }) => {
      const limit = query.limit ?? LIST_DEFAULT;
      const offset = query.offset ?? 0;
      const page = await listEventTypes(deps.eventTypes, caller, { limit, offset });
      return {
        status: 200,
        headers: etag(page.revision),
        body: {
          catalog: page.preset,
          revision: page.revision,
          event_types: page.eventTypes,
          pagination: { limit, offset, has_more: offset + page.eventTypes.length < page.total },
          total: page.total,
        },
      };
    },
  }),
  route({
    method: 'post',
    path: BASE,
    operationId: 'createEventType',
    summary: 'Add an event type of the organization’s own',
    description:
      'Names follow the catalog’s rule (dotted: `invoice.paid`; upper-snake: `INVOICE_PAID`). A `schema` is JSON Schema 2020-12 for `data`, at most 16 KiB and 16 levels, without regular expressions, recursion or remote references; publishing an event of the type checks its data against it.',
    tag: TAG,
    auth: true,
    body: CreateEventTypeBody,
    bodyRequired: true,
    headers: IF_MATCH,
    responses: { 201: { description: 'added', schema: EventTypeResource, headers: ['ETag', 'Location'] }, ...CONFLICT, ...STALE, ...INVALID },
    handle: async ({ body, caller, ctx }) => {
      const view = orFail(
        await changeEventType(deps.eventTypes, caller, { type: 'AddEventType', data: body }, { expectedRevision: expectedRevision(ctx.get('if-match')) }),
      );
      return resource(201, view, { Location: `${BASE}/${encodeURIComponent(view.eventType.name)}` });
    },
  }),
  route({
    method: 'get',
    path: `${BASE}/history`,
    operationId: 'getEventTypeHistory',
    summary: 'Every change of the catalog (its seed, additions, changes, archiving), a page at a time, oldest first',
    tag: TAG,
    auth: true,
    query: CatalogHistoryQuery,
    responses: { 200: { description: 'one page of recorded events', schema: CatalogHistory } },
    handle: async ({ query, caller }) => {
      const limit = query.limit ?? CATALOG_HISTORY_PAGE.defaultLimit;
      const afterRevision = query.cursor === undefined ? 0 : orFail(historyCursor.decode(caller.organizationId, query.cursor));
      const page = await catalogHistoryPage(deps.eventTypes, caller, { afterRevision, limit });
      const last = page.events.at(-1);
      return {
        status: 200,
        body: {
          events: page.events.map(presentHistoryEvent),
          pagination: { limit, next_cursor: page.hasMore && last ? historyCursor.encode(caller.organizationId, last.revision) : null, has_more: page.hasMore },
        },
      };
    },
  }),
  route({
    method: 'get',
    path: `${BASE}/{name}`,
    operationId: 'getEventType',
    summary: 'One event type, archived or not',
    tag: TAG,
    auth: true,
    query: EmptyQuery,
    responses: { 200: { description: 'the event type', schema: EventTypeResource, headers: ['ETag'] }, ...NOT_FOUND },
    handle: async ({ params, caller }) => resource(200, orFail(await getEventType(deps.eventTypes, caller, params.name))),
  }),
  route({
    method: 'put',
    path: `${BASE}/{name}`,
    operationId: 'replaceEventType',
    summary: 'Replace an event type’s description, category, cache scope, schema and archived flag',
    tag: TAG,
    auth: true,
    body: ReplaceEventTypeBody,
    bodyRequired: true,
    headers: IF_MATCH,
    responses: {
      200: { description: 'the event type after the change', schema: EventTypeResource, headers: ['ETag'] },
      ...NOT_FOUND,
      ...CONFLICT,
      ...STALE,
      ...INVALID,
    },
    handle: async ({ params, body, caller, ctx }) =>
      resource(
        200,
        orFail(
          await changeEventType(
            deps.eventTypes,
            caller,
            { type: 'ReplaceEventType', data: { ...body, name: params.name } },
            { expectedRevision: expectedRevision(ctx.get('if-match')) },
          ),
        ),
      ),
  }),
  route({
    method: 'delete',
    path: `${BASE}/{name}`,
    operationId: 'archiveEventType',
    summary: 'Archive an event type: no new subscriptions; existing ones keep receiving it (idempotent)',
    tag: TAG,
    auth: true,
    headers: IF_MATCH,
    responses: { 204: { description: 'archived (also when it already was)', headers: ['ETag'] }, ...NOT_FOUND, ...CONFLICT, ...STALE },
    handle: async ({ params, caller, ctx }) => {
      const view = orFail(
        await changeEventType(
          deps.eventTypes,
          caller,
          { type: 'ArchiveEventType', data: { name: params.name } },
          { expectedRevision: expectedRevision(ctx.get('if-match')) },
        ),
      );
      return { status: 204, headers: etag(view.revision) };
    },
  }),
];
