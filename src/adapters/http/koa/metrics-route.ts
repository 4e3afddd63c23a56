import { type Route, route } from './route.js';
import { EmptyQuery } from './schemas.js';

/** GET /metrics: Prometheus text, unauthenticated (served by the API and by `hookledger worker`). */
export const metricsRoute = (render: () => Promise<{ contentType: string; body: string }>): Route =>
  route({
    method: 'get',
    path: '/metrics',
    operationId: 'metrics',
    summary: 'Prometheus metrics',
    tag: 'Operations',
    auth: false,
    query: EmptyQuery,
    responses: { 200: { description: 'Prometheus text format', contentType: 'text/plain' } },
    handle: async ({ ctx }) => {
      const { contentType, body } = await render();
      ctx.type = contentType;
      return { status: 200, body };
    },
  });
