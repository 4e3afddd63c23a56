/** Hashing for tamper evidence, kept behind a port so the verifier stays free of Node APIs. */
export interface Digest {
  /** Lower-case hex SHA-256 of the UTF-8 text. */
  sha256(text: string): string;
}
