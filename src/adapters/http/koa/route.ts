import type { Context } from 'koa';
import type * as z from 'zod';
import type { Caller } from '../../../application/index.js';

export type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

export interface RouteInput<B, Q> {
  readonly body: B;
  readonly query: Q;
  readonly params: Readonly<Record<string, string>>;
  /** Present on authenticated routes. */
  readonly caller: Caller;
  readonly ctx: Context;
}

export interface RouteResult {
  readonly status: number;
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

/**
 * One route: how it is served and how it is documented. The router and
 * /openapi.json are both built from the same list, so neither can drift.
 */
export interface Route<B extends z.ZodType = z.ZodType, Q extends z.ZodType = z.ZodType> {
  readonly method: Method;
  /** OpenAPI style: `/v1/organizations/webhooks/{webhook_id}`. */
  readonly path: string;
  readonly operationId: string;
  readonly summary: string;
  /** Longer OpenAPI text (limits, sizes), when the summary is not enough. */
  readonly description?: string;
  readonly tag: string;
  readonly auth: boolean;
  readonly body?: B;
  /** Whether a body is required (else an absent body validates as `{}` where it has a schema). */
  readonly bodyRequired?: boolean;
  readonly query?: Q;
  readonly headers?: readonly { name: string; description: string }[];
  readonly responses: Readonly<Record<number, { description: string; schema?: z.ZodType }>>;
  readonly handle: (input: RouteInput<z.output<B>, z.output<Q>>) => Promise<RouteResult>;
}

export const route = <B extends z.ZodType, Q extends z.ZodType>(r: Route<B, Q>): Route => r as unknown as Route;
