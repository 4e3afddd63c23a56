/** Random identifiers and hashing for organizations and API keys. */
export interface KeyMaterial {
  /** `int_` + 24 alphanumeric characters. */
  organizationId(): string;
  /** A new key `sk_<keyId>_<secret>`: `keyId` (12 characters) finds it, the whole key is hashed. */
  apiKey(): { keyId: string; key: string };
  /** Hex SHA-256. API keys are long random strings, so a fast hash is enough (no password stretching). */
  hash(key: string): string;
  /** Constant-time comparison of two hashes. */
  sameHash(a: string, b: string): boolean;
}
