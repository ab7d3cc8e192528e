import { defineHttpSuite } from '../support/http-suite.js';
import { startWorkerdTarget } from '../support/targets.js';

defineHttpSuite('workerd', startWorkerdTarget);
