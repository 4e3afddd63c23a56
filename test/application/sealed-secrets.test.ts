import { describe, expect, it } from 'vitest';
import { AesGcmFieldSealer } from '../../src/adapters/crypto/aes-gcm/aes-gcm-field-sealer.js';
import { InMemoryDataKeys } from '../../src/adapters/store/memory/memory-data-keys.js';
import { InMemoryWebhookSecrets } from '../../src/adapters/store/memory/memory-webhook-secrets.js';
import { SealedWebhookSecrets } from '../../src/application/sealing.js';

// Opened secrets are kept with their data key (ADR 0018, 2026-11-25): what is read must still follow every change.
describe('SealedWebhookSecrets, reading the same secrets again and again', () => {
  const setUp = async () => {
    const stored = new InMemoryWebhookSecrets();
    const sealer = await AesGcmFieldSealer.start(Buffer.alloc(32, 1), new InMemoryDataKeys());
    return { stored, sealer, secrets: new SealedWebhookSecrets(stored, sealer) };
  };

  it('reads the rotated secret (and the previous one) on the next read after a rotation', async () => {
    const { secrets } = await setUp();
    await secrets.issue('wh_1', 'whsec_first');
    expect(await secrets.get('wh_1')).toEqual({ current: 'whsec_first' });
    expect(await secrets.get('wh_1')).toEqual({ current: 'whsec_first' });
    await secrets.rotate('wh_1', 'whsec_second', '2026-11-26T00:00:00.000Z');
    expect(await secrets.get('wh_1')).toEqual({ current: 'whsec_second', previous: { secret: 'whsec_first', expiresAt: '2026-11-26T00:00:00.000Z' } });
  });

  it('reads nothing once the webhook is forgotten, though its secrets were read just before', async () => {
    const { secrets, sealer } = await setUp();
    await secrets.issue('wh_1', 'whsec_first');
    expect(await secrets.get('wh_1')).toEqual({ current: 'whsec_first' });
    await sealer.forget('wh_1', '2026-11-25T12:00:00.000Z');
    expect(await secrets.get('wh_1')).toBeUndefined();
  });

  it('does not open a sealed secret copied from another webhook, even one opened before', async () => {
    const { stored, sealer, secrets } = await setUp();
    await secrets.issue('wh_1', 'whsec_first');
    expect(await secrets.get('wh_1')).toEqual({ current: 'whsec_first' });
    await secrets.issue('wh_2', 'whsec_other');
    const copied = (await stored.get('wh_1'))!.current;
    await stored.rotate('wh_2', copied, '2026-11-26T00:00:00.000Z');
    expect(sealer.isSealed(copied)).toBe(true);
    await expect(secrets.get('wh_2')).rejects.toThrow(/does not open/);
  });
});
