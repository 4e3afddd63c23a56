export type * from './event-store.js';
export type * from './clock.js';
export type * from './id-generator.js';
export type * from './organizations.js';
export type * from './webhook-read-model.js';
export type * from './webhook-secrets.js';
export type * from './key-material.js';
export type * from './notifier.js';
