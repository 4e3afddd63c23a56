import { describe, expect, it } from 'vitest';
import { validateSettings } from '../../console/src/validate.js';

const settings = (channel: Record<string, unknown>) => ({ webhook_name: 'Local', event_types: ['object.*'], channels: [channel] });

describe('console form validation (the domain’s decide)', () => {
  it('leaves private destinations to the server, which knows the operator’s setting', () => {
    expect(validateSettings(settings({ channel: 'webhook', configs: { url: 'http://127.0.0.1:8080/hook' } }), 'dotted')).toEqual([]);
  });

  it('lets an edit send back the channel ids the API gave (the server checks them against the webhook)', () => {
    expect(validateSettings(settings({ channel_id: 'ch_3', channel: 'webhook', configs: { url: 'https://example.com/hook' } }), 'dotted')).toEqual([]);
  });

  it('shows header problems in place, as the API would', () => {
    expect(validateSettings(settings({ channel: 'webhook', configs: { url: 'https://example.com/hook', headers: { TE: 'trailers' } } }), 'dotted')).toEqual([
      { path: ['channels', 0, 'configs', 'headers', 'TE'], message: expect.stringContaining('hop-by-hop') },
    ]);
  });
});
