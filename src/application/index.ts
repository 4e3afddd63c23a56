/** Hookledger's use cases, for the HTTP API, the CLI and services that embed them. */
export * from './handle-command.js';
export * from './state-cache.js';
export * from './webhook-decider.js';
export * from './webhooks.js';
export * from './organizations.js';
export * from './credential-cache.js';
export * from './project-webhooks.js';
export * from './publish-event.js';
export * from './shared-reads.js';
export * from './deliver.js';
export * from './verify-log.js';
