import { defineBadInputSuite } from '../support/bad-input-suite.js';
import { startWorkerdTarget } from '../support/targets.js';

defineBadInputSuite('workerd', startWorkerdTarget);
