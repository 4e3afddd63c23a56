/** Identifiers from a secure random source, kept out of the domain. */
export interface IdGenerator {
  /** `wh_` + 10 alphanumeric characters. */
  webhookId(): string;
  /** Unique id of one stored event. */
  eventId(): string;
  /** `msg_` + 24 alphanumeric characters: the Standard Webhooks `webhook-id`. */
  messageId(): string;
}
