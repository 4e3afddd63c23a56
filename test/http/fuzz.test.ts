import { fuzzSuite } from '../support/fuzz-suite.js';

fuzzSuite('sqlite-file', 2000);
