import { availableKinds } from '../support/http-harness.js';
import { fuzzSuite } from '../support/fuzz-suite.js';

// The same fuzzing as `npm test` runs on SQLite, here on the other stores and longer.
for (const kind of await availableKinds('postgres', 'memory')) fuzzSuite(kind, 3000);
