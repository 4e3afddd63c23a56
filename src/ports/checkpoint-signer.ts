/** Signs and checks log checkpoints with a key kept outside the database (ADR 0019). */
export interface CheckpointSigner {
  /** Lower-case hex signature of the text. */
  sign(text: string): string;
  /** Whether `signature` is this key's signature of the text (compared in constant time). */
  verify(text: string, signature: string): boolean;
}
