import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { accessLog } from '../../src/adapters/http/koa/access-log.js';

const loggerInto = (lines: string[], level = 'info') =>
  pino({ level, base: { service: 'hookledger' }, redact: { paths: ['key'], censor: '[redacted]' } }, { write: (line: string) => lines.push(line) });

const withoutTime = (line: string) => line.replace(/"time":\d+/, '"time":0');

describe('the access line (ADR 0022)', () => {
  it('is the line pino writes for the same fields, byte for byte but the time, also for a path that needs escaping', () => {
    for (const path of ['/v1/organizations/webhooks/wh_1', '/a"b\\c', '/ünïcode', '/tab\there']) {
      const ours: string[] = [];
      const theirs: string[] = [];
      accessLog(loggerInto(ours))('req-1', 'GET', path, 200, 1.25);
      loggerInto(theirs).info({ requestId: 'req-1', method: 'GET', path, status: 200, ms: 1.25 }, 'request');
      expect(withoutTime(ours[0]!)).toBe(withoutTime(theirs[0]!));
      expect(JSON.parse(ours[0]!)).toMatchObject({ level: 30, service: 'hookledger', path, msg: 'request' });
    }
  });

  it('rounds the duration to the microsecond and writes nothing when info is off', () => {
    const lines: string[] = [];
    accessLog(loggerInto(lines))('r', 'POST', '/x', 201, 0.123456789);
    expect(JSON.parse(lines[0]!).ms).toBe(0.123);
    const quiet: string[] = [];
    accessLog(loggerInto(quiet, 'warn'))('r', 'GET', '/x', 200, 1);
    expect(quiet).toEqual([]);
  });
});
