/** Signing secrets for new webhooks and rotations: `whsec_` + base64 of random bytes (Standard Webhooks). */
export interface SecretGenerator {
  newSecret(): string;
}
