import type { Context } from 'koa';
import getRawBody from 'raw-body';
import { HttpError } from './errors.js';

export const DEFAULT_BODY_LIMIT = 1024 * 1024;

/**
 * Reads a JSON body: 415 when it is not JSON, 413 over the limit, 400 when it
 * does not parse. An absent body reads as `undefined`.
 */
export const readJsonBody = async (ctx: Context, limit = DEFAULT_BODY_LIMIT): Promise<unknown> => {
  const length = ctx.request.length;
  const chunked = ctx.get('transfer-encoding') !== '';
  if (!chunked && (length === undefined || length === 0)) return undefined;
  if (!ctx.is('application/json', '+json')) {
    throw new HttpError(415, 'UnsupportedMediaType', 'send the body as application/json');
  }
  if (length !== undefined && length > limit) throw tooLarge(limit);
  let text: string;
  try {
    text = await getRawBody(ctx.req, { limit, encoding: 'utf8', length });
  } catch (error) {
    const e = error as { type?: string; status?: number };
    if (e.type === 'entity.too.large') throw tooLarge(limit);
    throw new HttpError(400, 'BadRequest', 'the request body could not be read');
  }
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new HttpError(400, 'BadRequest', `malformed JSON: ${(error as Error).message}`);
  }
};

const tooLarge = (limit: number) => new HttpError(413, 'PayloadTooLarge', `the body is larger than ${limit} bytes`);
