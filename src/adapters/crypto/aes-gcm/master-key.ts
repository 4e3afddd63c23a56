import { randomBytes } from 'node:crypto';
import { existsSync, linkSync, mkdirSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/** A master key from its base64 text; anything but 32 bytes stops the process with this message (never a silent new key). */
export const parseMasterKey = (text: string, source: string): Buffer => {
  const trimmed = text.trim();
  if (!BASE64.test(trimmed) || trimmed.length % 4 !== 0) {
    throw new Error(`${source} is not base64; generate a key with: openssl rand -base64 32`);
  }
  const key = Buffer.from(trimmed, 'base64');
  if (key.length !== 32) throw new Error(`${source} must be 32 bytes of base64 (AES-256), not ${key.length}; generate one with: openssl rand -base64 32`);
  return key;
};

export const newMasterKey = (): Buffer => randomBytes(32);

/**
 * The key in `path`, or a new one written there (mode 0600) when the file does not exist. Written
 * beside and linked into place, so processes starting at once all end up with the one that won.
 */
export const loadOrCreateKeyFile = (path: string): { key: Buffer; created: boolean } => {
  if (existsSync(path)) return { key: parseMasterKey(readFileSync(path, 'utf8'), `master key file ${path}`), created: false };
  mkdirSync(dirname(path), { recursive: true });
  const draft = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  writeFileSync(draft, `${newMasterKey().toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
  let created = true;
  try {
    linkSync(draft, path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    created = false;
  } finally {
    unlinkSync(draft);
  }
  return { key: parseMasterKey(readFileSync(path, 'utf8'), `master key file ${path}`), created };
};

/** Replaces the key file with `key` (rename over it: a reader sees the old file or the new one, never half of one). */
export const replaceKeyFile = (path: string, key: Buffer): void => {
  const draft = `${path}.${process.pid}.new`;
  writeFileSync(draft, `${key.toString('base64')}\n`, { mode: 0o600 });
  renameSync(draft, path);
};
