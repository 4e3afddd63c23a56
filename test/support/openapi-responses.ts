import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import type { ValidateFunction } from 'ajv';

// ajv-formats is CommonJS: its default export arrives wrapped under ESM.
const addFormats = ((addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ?? addFormatsModule) as unknown as (ajv: Ajv2020) => void;

type Json = Record<string, any>;

/** Headers whose presence the document must announce wherever the server sends them. */
const TRACKED_HEADERS = ['etag', 'location', 'retry-after', 'www-authenticate', 'allow', 'x-request-id'];
const BASE = 'https://hookledger.test/openapi.json';

export interface ReceivedResponse {
  readonly method: string;
  /** The path as requested, with its query string. */
  readonly path: string;
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
}

/** A JSON pointer as a URI fragment (path templates hold `{` and `}`). */
const pointer = (...parts: string[]) => `#/${parts.map((p) => encodeURIComponent(p.replace(/~/g, '~0').replace(/\//g, '~1'))).join('/')}`;
const bare = (path: string) => (path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path);

/**
 * Checks answers against an OpenAPI document: the status is documented for that operation, the
 * documented headers are there (and every tracked header sent is documented), the media type is
 * documented and a JSON body matches its schema. A path the document does not know must be a 404
 * and a method a path does not serve a 405, both with the error envelope; /console is not the API.
 */
export const openApiResponseChecker = (doc: Json) => {
  const ajv = new Ajv2020({ strict: false, validateSchema: false, allErrors: true });
  addFormats(ajv);
  ajv.addSchema(doc, BASE);
  const validators = new Map<string, ValidateFunction>();
  const validatorAt = (ref: string) => {
    let v = validators.get(ref);
    if (!v) validators.set(ref, (v = ajv.compile({ $ref: `${BASE}${ref}` })));
    return v;
  };
  const deref = (value: Json): Json => {
    if (typeof value?.$ref !== 'string') return value;
    return value.$ref
      .slice(2)
      .split('/')
      .reduce((node: Json, key: string) => node?.[key.replace(/~1/g, '/').replace(/~0/g, '~')], doc);
  };
  const templates = Object.keys(doc.paths as Json).map((template) => ({
    template,
    params: (template.match(/\{/g) ?? []).length,
    regex: new RegExp(
      `^${bare(template)
        .replace(/[.*+?^$()|[\]\\]/g, '\\$&')
        .replace(/\\?\{\w+\\?\}/g, '[^/]+')}$`,
    ),
  }));

  /** Problems found in one response; empty when it matches the document. */
  const check = (r: ReceivedResponse): string[] => {
    // As the server sees it: a client resolves `.` and `..` segments before sending.
    const path = bare(new URL(r.path.split('?')[0]!, 'http://h').pathname);
    const method = r.method.toLowerCase() === 'head' ? 'get' : r.method.toLowerCase();
    const where = `${r.method} ${r.path} → ${r.status}`;
    if (path === '/console' || path.startsWith('/console/') || method === 'options') return [];
    const candidates = templates.filter((t) => t.regex.test(path)).sort((a, b) => a.params - b.params);
    const found = candidates.find((t) => doc.paths[t.template][method]);
    let response: Json | undefined;
    let responseRef: string;
    if (!found) {
      // Node's HTTP server answers 431 (headers too large) before any route is chosen, whatever the method.
      const expected = r.status === 431 ? 431 : candidates.length ? 405 : 404;
      if (r.status !== expected && !(r.status === 400 && expected === 404))
        return [`${where}: expected ${expected} for an undocumented ${candidates.length ? 'method' : 'path'}`];
      response =
        expected === 405
          ? doc.components.responses.MethodNotAllowed
          : { headers: {}, content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } };
      responseRef = expected === 405 ? pointer('components', 'responses', 'MethodNotAllowed') : '';
    } else {
      const responses = doc.paths[found.template][method].responses as Json;
      const key = [String(r.status), `${String(r.status)[0]}XX`, 'default'].find((k) => responses[k]);
      if (!key) return [`${where}: status not documented for ${method.toUpperCase()} ${found.template} (documented: ${Object.keys(responses).join(', ')})`];
      responseRef = typeof responses[key].$ref === 'string' ? responses[key].$ref : pointer('paths', found.template, method, 'responses', key);
      response = deref(responses[key]);
    }
    const problems: string[] = [];
    const declared = new Map(Object.entries((response?.headers ?? {}) as Json).map(([name, h]) => [name.toLowerCase(), deref(h)]));
    for (const [name, header] of declared) {
      const value = r.headers.get(name);
      if (value === null) {
        if (header.required) problems.push(`${where}: missing header ${name}`);
      } else if (header.schema?.type === 'integer' && !/^\d+$/.test(value)) problems.push(`${where}: header ${name} is not an integer: ${value}`);
    }
    for (const name of TRACKED_HEADERS)
      if (r.headers.has(name) && !declared.has(name) && found) problems.push(`${where}: header ${name} sent but not documented`);
    const content = response?.content as Json | undefined;
    if (r.text === '' || r.method.toUpperCase() === 'HEAD') {
      if (content && r.status !== 204 && r.method.toUpperCase() !== 'HEAD') problems.push(`${where}: empty body where the document describes one`);
      return problems;
    }
    if (!content) return [...problems, `${where}: a body where the document describes none`];
    const mediaType = (r.headers.get('content-type') ?? '').split(';')[0]!.trim();
    const documented = Object.keys(content).find((m) => m === mediaType || (m.endsWith('/*') && mediaType.startsWith(m.slice(0, -1))));
    if (!documented) return [...problems, `${where}: media type ${mediaType} not documented (${Object.keys(content).join(', ')})`];
    if (documented !== 'application/json') return problems;
    let body: unknown;
    try {
      body = JSON.parse(r.text);
    } catch {
      return [...problems, `${where}: body is not JSON`];
    }
    const validate = responseRef ? validatorAt(`${responseRef}/content/application~1json/schema`) : validatorAt(pointer('components', 'schemas', 'Error'));
    if (!validate(body)) problems.push(`${where}: body does not match the schema: ${ajv.errorsText(validate.errors)}`);
    return problems;
  };

  return {
    check,
    /** Throws with every problem of one response. */
    assert(r: ReceivedResponse): void {
      const problems = check(r);
      if (problems.length) throw new Error(`response does not match /openapi.json:\n${problems.join('\n')}`);
    },
  };
};

export type OpenApiResponseChecker = ReturnType<typeof openApiResponseChecker>;

/**
 * A fetch that checks every answer against the server's own /openapi.json, for tests that call a
 * server without the harness (spawned processes, the client): `fetch: checkedFetch(url)`.
 */
export const checkedFetch = (baseUrl: string) => {
  let checker: Promise<OpenApiResponseChecker> | undefined;
  const spec = () => (checker ??= fetch(`${baseUrl}/openapi.json`).then(async (r) => openApiResponseChecker(await r.json())));
  return async (input: Request | string | URL, init?: RequestInit): Promise<Response> => {
    const request = input instanceof Request ? input : new Request(input, init);
    const response = await fetch(request, input instanceof Request ? init : undefined);
    const url = new URL(request.url);
    if (url.origin === new URL(baseUrl).origin) {
      (await spec()).assert({
        method: request.method,
        path: url.pathname + url.search,
        status: response.status,
        headers: response.headers,
        text: await response.clone().text(),
      });
    }
    return response;
  };
};
