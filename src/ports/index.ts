export type * from './event-store.js';
export type * from './clock.js';
export type * from './id-generator.js';
