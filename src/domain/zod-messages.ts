// Zod Mini (the schemas in domain/ and app/) has no messages until a locale is set: without this, every
// issue we do not word ourselves would read "Invalid input". Classic Zod set English by itself; this sets
// the same English messages, once, for every schema. Imported for its effect by each module that parses.

import { en } from 'zod/locales';
import { config } from 'zod/mini';

config(en());
