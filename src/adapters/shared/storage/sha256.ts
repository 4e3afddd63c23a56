import { createHash } from 'node:crypto';

/** Lower-case hex SHA-256 of UTF-8 text. */
export const sha256 = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');
