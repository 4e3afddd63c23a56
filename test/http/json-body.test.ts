import { createServer } from 'node:http';
import { connect } from 'node:net';
import Koa from 'koa';
import { describe, expect, it } from 'vitest';
import { readJsonBody } from '../../src/adapters/http/koa/body.js';
import { HttpError } from '../../src/adapters/http/koa/errors.js';

/** Serves readJsonBody (limit 64 bytes) on a free port, sends raw request bytes, returns the status and what was read (or the error type). */
const read = async (...parts: (string | Buffer)[]): Promise<{ status: number; body: unknown }> => {
  const app = new Koa();
  app.use(async (ctx) => {
    try {
      ctx.body = { read: (await readJsonBody(ctx, 64)) ?? '(absent)' };
    } catch (error) {
      if (!(error instanceof HttpError)) throw error;
      ctx.status = error.status;
      ctx.body = { error: error.type };
    }
  });
  const handle = app.callback();
  const server = createServer((req, res) => void handle(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  try {
    const raw = await new Promise<string>((resolve, reject) => {
      // Each part is its own write, so a body arrives in several chunks.
      const send = async () => {
        for (const part of parts) {
          socket.write(part);
          await new Promise((r) => setTimeout(r, 5));
        }
      };
      const socket = connect(port, '127.0.0.1', () => void send());
      let out = '';
      socket.on('data', (chunk: Buffer) => {
        out += chunk.toString('utf8');
        if (/\r\n\r\n[\s\S]*\}$/.test(out)) socket.end();
      });
      socket.on('end', () => resolve(out));
      socket.on('error', reject);
    });
    return { status: Number(raw.split(' ')[1]), body: JSON.parse(raw.slice(raw.indexOf('\r\n\r\n') + 4)) as unknown };
  } finally {
    server.close();
  }
};

const head = (headers: string) => `POST / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n${headers}\r\n`;
const json = Buffer.from('{"a":"é"}');

describe('readJsonBody', () => {
  it('reads a body sent in several chunks, a character split between them', async () => {
    expect(await read(head(`Content-Type: application/json\r\nContent-Length: ${json.length}\r\n`), json.subarray(0, 7), json.subarray(7))).toEqual({
      status: 200,
      body: { read: { a: 'é' } },
    });
  });

  it('reads a chunked body, and a media type with parameters or a +json suffix', async () => {
    const chunk = (b: Buffer) => Buffer.concat([Buffer.from(`${b.length.toString(16)}\r\n`), b, Buffer.from('\r\n')]);
    expect(
      await read(
        head('Content-Type: application/json; charset=utf-8\r\nTransfer-Encoding: chunked\r\n'),
        chunk(json.subarray(0, 7)),
        chunk(json.subarray(7)),
        '0\r\n\r\n',
      ),
    ).toEqual({
      status: 200,
      body: { read: { a: 'é' } },
    });
    expect(await read(head(`Content-Type: application/vnd.x+json\r\nContent-Length: ${json.length}\r\n`), json)).toEqual({
      status: 200,
      body: { read: { a: 'é' } },
    });
  });

  it('drops a leading byte order mark, and reads a blank body as absent', async () => {
    const bom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), json]);
    expect(await read(head(`Content-Type: application/json\r\nContent-Length: ${bom.length}\r\n`), bom)).toEqual({ status: 200, body: { read: { a: 'é' } } });
    expect(await read(head('Content-Type: application/json\r\nContent-Length: 2\r\n'), '  ')).toEqual({ status: 200, body: { read: '(absent)' } });
  });

  it('answers 413 for a chunked body past the limit, 415 for another type, 400 for malformed JSON', async () => {
    const big = Buffer.from(`{"a":"${'x'.repeat(100)}"}`);
    expect(
      await read(head('Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n'), `${big.length.toString(16)}\r\n`, big, '\r\n0\r\n\r\n'),
    ).toEqual({
      status: 413,
      body: { error: 'PayloadTooLarge' },
    });
    expect(await read(head('Content-Type: text/plain\r\nContent-Length: 2\r\n'), '{}')).toEqual({ status: 415, body: { error: 'UnsupportedMediaType' } });
    expect(await read(head('Content-Type: application/json\r\nContent-Length: 4\r\n'), '{"a"')).toEqual({ status: 400, body: { error: 'BadRequest' } });
  });
});
