import { type IncomingMessage, type ServerResponse, createServer } from 'node:http';
import { connect } from 'node:net';
import { Readable } from 'node:stream';
import Koa, { type Context } from 'koa';
import { describe, expect, it } from 'vitest';
import { LeanKoa, setTextBody } from '../../src/adapters/http/koa/lean-koa.js';

/** Serves `app` on a free port, sends `request` as raw bytes, and returns the raw answer (the Date header blanked). */
const exchange = async (app: { callback(): (req: IncomingMessage, res: ServerResponse) => unknown }, request: string): Promise<string> => {
  const handle = app.callback();
  const server = createServer((req, res) => void handle(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  try {
    return await new Promise<string>((resolve, reject) => {
      const socket = connect(port, '127.0.0.1', () => socket.end(request));
      let out = '';
      socket.on('data', (chunk: Buffer) => (out += chunk.toString('latin1')));
      socket.on('end', () => resolve(out.replace(/^Date: .*\r\n/m, 'Date: -\r\n')));
      socket.on('error', reject);
    });
  } finally {
    server.close();
  }
};

const silenced = <A extends Koa>(app: A): A => {
  app.silent = true;
  return app;
};

/** What each case's middleware does to the response: every kind of body Koa's respond knows. */
const CASES: Record<string, (ctx: Context) => void | Promise<void>> = {
  string: (ctx) => {
    ctx.body = 'héllo';
  },
  html: (ctx) => {
    ctx.body = '<p>hi</p>';
  },
  buffer: (ctx) => {
    ctx.body = Buffer.from([1, 2, 3]);
  },
  json: (ctx) => {
    ctx.status = 201;
    ctx.body = { a: 1, b: ['é'] };
  },
  'explicit null': (ctx) => {
    ctx.body = null;
  },
  'no body (404)': () => undefined,
  'status, no body': (ctx) => {
    ctx.status = 418;
  },
  '204 with a body set': (ctx) => {
    ctx.body = 'dropped';
    ctx.status = 204;
  },
  '304': (ctx) => {
    ctx.body = { a: 1 };
    ctx.status = 304;
  },
  stream: (ctx) => {
    ctx.body = Readable.from(['a', 'b']);
  },
  'web stream': (ctx) => {
    ctx.body = new Blob(['blob']).stream();
  },
  blob: (ctx) => {
    ctx.body = new Blob(['blob']);
  },
  'thrown error': () => {
    throw Object.assign(new Error('nope'), { status: 409, expose: true });
  },
  'respond false': (ctx) => {
    ctx.respond = false;
    ctx.res.end('raw');
  },
};

describe('LeanKoa (Koa without its per-request finished listener)', () => {
  it('still replaces a method Koa calls for every request', () => {
    // A Koa upgrade that renames it would silently bring the listener back: this catches it.
    expect(typeof (Koa.prototype as unknown as { handleRequest?: unknown }).handleRequest).toBe('function');
    expect(LeanKoa.prototype.handleRequest).not.toBe((Koa.prototype as unknown as { handleRequest: unknown }).handleRequest);
  });

  it('answers every kind of body, for GET and HEAD, with the same bytes as Koa', async () => {
    for (const [name, middleware] of Object.entries(CASES)) {
      for (const method of ['GET', 'HEAD']) {
        const request = `${method} /x HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n`;
        const koa = silenced(new Koa()).use(middleware);
        const lean = silenced(new LeanKoa()).use(middleware);
        expect(await exchange(lean, request), `${name}, ${method}`).toBe(await exchange(koa, request));
      }
    }
  });

  it('setTextBody leaves what Koa’s status and body setters leave, and sends the same bytes', async () => {
    const text = '{"name":"ünïcode"}';
    const type = 'application/json; charset=utf-8';
    const seen: unknown[] = [];
    const withSetters = silenced(new Koa()).use((ctx) => {
      ctx.set('ETag', '"1"');
      ctx.status = 200;
      ctx.set('Content-Type', type);
      ctx.body = text;
      seen.push({ status: ctx.status, body: ctx.body, type: ctx.type, length: ctx.length, message: ctx.message });
    });
    const direct = silenced(new LeanKoa()).use((ctx) => {
      ctx.res.setHeader('ETag', '"1"');
      setTextBody(ctx, 200, type, text);
      seen.push({ status: ctx.status, body: ctx.body, type: ctx.type, length: ctx.length, message: ctx.message });
    });
    for (const method of ['GET', 'HEAD']) {
      const request = `${method} /x HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n`;
      expect(await exchange(direct, request)).toBe(await exchange(withSetters, request));
    }
    expect(seen[1]).toEqual(seen[0]);
  });
});
