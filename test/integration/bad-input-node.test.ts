import { defineBadInputSuite } from '../support/bad-input-suite.js';
import { startNodeTarget } from '../support/targets.js';

defineBadInputSuite('node', startNodeTarget);
