import { defineHttpSuite } from '../support/http-suite.js';
import { startNodeTarget } from '../support/targets.js';

defineHttpSuite('node', startNodeTarget);
