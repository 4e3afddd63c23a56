/** Response headers the API sends, documented once under `components.headers`. */
export const RESPONSE_HEADERS = {
  'X-Request-Id': {
    description: 'the id of this request (yours, when you sent a valid X-Request-Id; else a UUID): in every answer, log line and event',
    required: true,
    schema: { type: 'string' },
  },
  ETag: {
    description:
      'the version of what was read or changed (a webhook’s version, the catalog’s revision), `"7"`: send it back as If-Match to change only that version',
    required: true,
    schema: { type: 'string' },
  },
  Location: { description: 'the path of the created resource', required: true, schema: { type: 'string' } },
  'Retry-After': { description: 'seconds to wait before retrying', required: true, schema: { type: 'integer', minimum: 0 } },
  'WWW-Authenticate': { description: 'the scheme to authenticate with: `Bearer`', required: true, schema: { type: 'string' } },
  Allow: { description: 'the methods this path serves, such as `GET, HEAD`', required: true, schema: { type: 'string' } },
} as const;

/** A header a route can declare on one of its responses (X-Request-Id is on every response anyway). */
export type ResponseHeaderName = Exclude<keyof typeof RESPONSE_HEADERS, 'X-Request-Id'>;

/** `components.headers` keys are names without punctuation. */
export const headerKey = (name: keyof typeof RESPONSE_HEADERS): string => name.replace(/-/g, '');

/** The header references of one response: X-Request-Id (unless the request never reached the app) and `names`. */
export const headerRefs = (names: readonly ResponseHeaderName[], withRequestId = true) =>
  Object.fromEntries([...(withRequestId ? ['X-Request-Id' as const] : []), ...names].map((n) => [n, { $ref: `#/components/headers/${headerKey(n)}` }]));

/** Headers that come with a status wherever it is answered. */
export const STATUS_HEADERS: Readonly<Record<number, readonly ResponseHeaderName[]>> = {
  401: ['WWW-Authenticate'],
  405: ['Allow'],
  429: ['Retry-After'],
  503: ['Retry-After'],
};

/**
 * Failures the HTTP layer itself produces, shared under `components.responses`. `always` apply to
 * every route (its body, query string and headers are read and checked before it runs); `authenticated`
 * to every route behind an API key. A route's own entry for a status replaces the shared one.
 */
export const SHARED_ERRORS = {
  always: {
    400: ['BadRequest', 'malformed JSON, a malformed header (If-Match) or a malformed request'],
    413: ['PayloadTooLarge', 'the body is larger than the limit (1 MiB unless configured otherwise)'],
    415: ['UnsupportedMediaType', 'a body that is not application/json'],
    431: ['RequestHeaderFieldsTooLarge', 'the request line or headers are too large (answered by the HTTP server itself: no X-Request-Id)'],
    422: ['ValidationError', 'the body or query string breaks a rule (unknown or repeated parameters too); `error.details` gives the paths'],
    500: ['InternalError', 'an unexpected error; quote the X-Request-Id when reporting it'],
  },
  authenticated: {
    401: ['Unauthorized', 'missing or bad API key'],
    403: ['Forbidden', 'the key may not call this route: an operator key on an organization’s route, or an organization key on an operator route'],
    429: [
      'RateLimited',
      'too many requests for this API key, or (publishing) the organization spent its share of time on schema checks: retry after Retry-After seconds',
    ],
    503: ['ServiceUnavailable', 'the store is unavailable; nothing was changed: retry after Retry-After seconds'],
  },
  /** Not an operation's own answer: any method a path does not serve (see `Allow`). */
  methodNotAllowed: { 405: ['MethodNotAllowed', 'this path does not serve that method; Allow lists the ones it does'] },
} as const satisfies Record<string, Record<number, readonly [string, string]>>;

/** `components.responses` for the shared failures, each the error envelope with its headers. */
export const sharedResponseComponents = () => {
  const out: Record<string, unknown> = {};
  for (const group of Object.values(SHARED_ERRORS)) {
    for (const [status, [name, description]] of Object.entries(group)) {
      out[name] = {
        description,
        headers: headerRefs(STATUS_HEADERS[Number(status)] ?? [], Number(status) !== 431),
        content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
      };
    }
  }
  return out;
};
