import type { Context } from 'koa';
import type * as z from 'zod';
import type { Caller } from '../../../application/index.js';
import type { ResponseHeaderName } from './openapi/responses.js';

export type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

/** The `{name}` parameters of an OpenAPI-style path: `'/a/{x}/b/{y}'` gives `'x' | 'y'`. */
export type PathParamNames<P extends string> = P extends `${string}{${infer Name}}${infer Rest}` ? Name | PathParamNames<Rest> : never;

/** A route's path parameters, typed from its path (the router only matches when each is present). */
export type PathParams<P extends string> = { readonly [K in PathParamNames<P>]: string };

export interface RouteInput<B, Q, P = Readonly<Record<string, string>>> {
  readonly body: B;
  readonly query: Q;
  readonly params: P;
  /** Present on authenticated routes. */
  readonly caller: Caller;
  readonly ctx: Context;
}

export interface RouteResult {
  readonly status: number;
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

/** One documented answer of a route (openapi/index.ts turns it into the OpenAPI response). */
export interface RouteResponse {
  readonly description: string;
  readonly schema?: z.ZodType;
  /** Headers this answer carries beyond X-Request-Id, which every answer has. */
  readonly headers?: readonly ResponseHeaderName[];
  /** The media type when the body is not JSON (`text/html`); such a body is documented as a string. */
  readonly contentType?: string;
}

/**
 * One route: how it is served and how it is documented. The router and
 * /openapi.json are both built from the same list, so neither can drift.
 */
export interface Route<B extends z.ZodType = z.ZodType, Q extends z.ZodType = z.ZodType, P extends string = string> {
  readonly method: Method;
  /** OpenAPI style: `/v1/organizations/webhooks/{webhook_id}`. */
  readonly path: P;
  readonly operationId: string;
  readonly summary: string;
  /** Longer OpenAPI text (limits, sizes), when the summary is not enough. */
  readonly description?: string;
  readonly tag: string;
  readonly auth: boolean;
  /** Which keys may call it: organization keys (default) or operator keys (ADR 0020); any other key gets 403. */
  readonly scope?: 'organization' | 'operator';
  readonly body?: B;
  /** Whether a body is required (else an absent body validates as `{}` where it has a schema). */
  readonly bodyRequired?: boolean;
  readonly query?: Q;
  readonly headers?: readonly { name: string; description: string }[];
  readonly responses: Readonly<Record<number, RouteResponse>>;
  readonly handle: (input: RouteInput<z.output<B>, z.output<Q>, string extends P ? Readonly<Record<string, string>> : PathParams<P>>) => Promise<RouteResult>;
}

/** Declares a route; its handler sees the body, query and path parameters as their schemas and path type them. */
export const route = <B extends z.ZodType, Q extends z.ZodType, const P extends string>(r: Route<B, Q, P>): Route => r as unknown as Route;
