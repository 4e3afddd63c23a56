import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/** AES-256-GCM with a 96-bit random nonce and a 128-bit tag: `prefix` + base64url(nonce | ciphertext | tag). */
const IV_BYTES = 12;
const TAG_BYTES = 16;

export const encrypt = (key: Buffer, plaintext: Buffer, aad: string, prefix: string): string => {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(aad, 'utf8'));
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return prefix + Buffer.concat([iv, body, cipher.getAuthTag()]).toString('base64url');
};

/** Throws when the text was not sealed with this key and `aad` (GCM authenticates both) or is not of the form. */
export const decrypt = (key: Buffer, text: string, aad: string, prefix: string): Buffer => {
  if (!text.startsWith(prefix)) throw new Error('not a sealed value');
  const raw = Buffer.from(text.slice(prefix.length), 'base64url');
  if (raw.length < IV_BYTES + TAG_BYTES) throw new Error('sealed value too short');
  const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, IV_BYTES));
  decipher.setAAD(Buffer.from(aad, 'utf8'));
  decipher.setAuthTag(raw.subarray(raw.length - TAG_BYTES));
  return Buffer.concat([decipher.update(raw.subarray(IV_BYTES, raw.length - TAG_BYTES)), decipher.final()]);
};

/** Sealed field values, wrapped data keys and the key check: each with its own prefix and associated data. */
export const SEALED_PREFIX = 'sealed:v1:';
const WRAPPED_PREFIX = 'wrapped:v1:';
const CHECK_PREFIX = 'keycheck:v1:';
const CHECK_TEXT = 'hookledger master key check';

/** A data key wrapped by the master key, bound to its webhook (a wrapped key copied to another webhook does not open). */
export const wrapDataKey = (masterKey: Buffer, webhookId: string, dataKey: Buffer): string =>
  encrypt(masterKey, dataKey, `data-key:${webhookId}`, WRAPPED_PREFIX);

export const unwrapDataKey = (masterKey: Buffer, webhookId: string, wrapped: string): Buffer =>
  decrypt(masterKey, wrapped, `data-key:${webhookId}`, WRAPPED_PREFIX);

/** A value only this master key opens: stored once, it tells a process started with another key. */
export const keyCheckOf = (masterKey: Buffer): string => encrypt(masterKey, Buffer.from(CHECK_TEXT), 'key-check', CHECK_PREFIX);

export const keyCheckMatches = (masterKey: Buffer, check: string): boolean => {
  try {
    return decrypt(masterKey, check, 'key-check', CHECK_PREFIX).toString('utf8') === CHECK_TEXT;
  } catch {
    return false;
  }
};
