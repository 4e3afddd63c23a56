/**
 * Bounds on what one template may make the renderer do. Templates are written
 * by tenants and rendered by the shared worker, so each bound keeps one
 * tenant's template from costing everyone else memory or time (ADR 0012).
 */
export const TEMPLATE_LIMITS = {
  /** Sections inside sections; Mustache templates in practice nest two or three. */
  sectionDepth: 16,
  /**
   * Render steps (a tag, a text, one section iteration, one value written as
   * JSON). A loop over 10,000 items with ten tags takes ~110,000; three nested
   * loops over 5,000 items would take 125e9 and stop here instead.
   */
  steps: 1_000_000,
  /** Levels of arrays and objects a value is written to JSON through (events are bounded at 64). */
  dataDepth: 256,
} as const;

/**
 * The most each rendered field may produce, in characters (UTF-16 code
 * units). Rendering stops as soon as its output passes the field's limit.
 */
export const TEMPLATE_OUTPUT_LIMITS = {
  /** `webhook` `payload_template`: the request body, 1 MiB (the size of event Hookledger accepts). */
  httpPayload: 1024 * 1024,
  /** Slack `message_template`: Slack truncates `text` beyond 40,000 characters. */
  slackText: 40_000,
  /** Slack `blocks_template`: 256 KiB of rendered JSON, far above what 50 blocks of Slack's own limits can hold. */
  slackBlocks: 256 * 1024,
  /** Slack accepts at most 50 blocks in one message. */
  slackBlockCount: 50,
  /** Email `subject_template`: 998, the longest line RFC 5322 allows. */
  emailSubject: 998,
  /** Email `body_template` and `html_template`: 1 MiB each. */
  emailBody: 1024 * 1024,
  /** SMS `message_template`: 1,600, the longest message Twilio sends (ten segments). */
  smsBody: 1_600,
} as const;
