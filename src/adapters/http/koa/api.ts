import type Koa from 'koa';
import type { Logger } from 'pino';
import type { Caller } from '../../../application/index.js';
import { createHttpApp } from './app.js';
import { type DeliveryRouteDeps, deliveryRoutes } from './delivery-routes.js';
import { docsRoutes } from './docs-routes.js';
import { type MetaRouteDeps, metaRoutes } from './meta-routes.js';
import { metricsRoute } from './metrics-route.js';
import { openApiDocument } from './openapi/index.js';
import type { Route } from './route.js';
import { type WebhookRouteDeps, webhookRoutes } from './webhook-routes.js';
import { type EventTypeRouteDeps, eventTypeRoutes } from './event-type-routes.js';
import { type OrganizationRouteDeps, organizationRoutes } from './organization-routes.js';

export interface ApiDeps extends WebhookRouteDeps, MetaRouteDeps, DeliveryRouteDeps, EventTypeRouteDeps, OrganizationRouteDeps {
  readonly metrics: () => Promise<{ contentType: string; body: string }>;
  readonly authenticate: (authorization: string | undefined, requestId: string) => Promise<Caller | undefined>;
  readonly logger: Logger;
  readonly version: string;
  readonly bodyLimit?: number;
  readonly isUnavailable?: (error: unknown) => boolean;
  readonly consoleDir?: string | undefined;
  readonly rateLimit?: { readonly perSecond: number; readonly burst: number } | undefined;
  /** The HTTP request duration histogram (route template, status), when metrics are kept. */
  readonly observeRequest?: ((method: string, route: string, status: number, seconds: number) => void) | undefined;
}

/** The whole HTTP API: every route, and the OpenAPI document generated from the same list. */
export const createApi = (deps: ApiDeps): { app: Koa; routes: readonly Route[] } => {
  const routes: Route[] = [];
  let document: unknown;
  const openApi = () => (document ??= openApiDocument(routes, { title: 'Hookledger API', version: deps.version }));
  routes.push(
    ...webhookRoutes(deps),
    ...deliveryRoutes(deps),
    ...eventTypeRoutes(deps),
    ...organizationRoutes(deps),
    ...metaRoutes(deps),
    metricsRoute(deps.metrics),
    ...docsRoutes(openApi),
  );
  return {
    app: createHttpApp({
      routes,
      authenticate: deps.authenticate,
      logger: deps.logger,
      bodyLimit: deps.bodyLimit,
      isUnavailable: deps.isUnavailable,
      rateLimit: deps.rateLimit,
      observeRequest: deps.observeRequest,
      consoleDir: deps.consoleDir,
    }),
    routes,
  };
};
