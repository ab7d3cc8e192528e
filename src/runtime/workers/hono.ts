// Stands in for the `hono` entry in the Worker bundle (wrangler.jsonc, `alias`): the same Hono class,
// whose default router is Hono's TrieRouter alone instead of a SmartRouter over the RegExpRouter and the
// TrieRouter, so the RegExpRouter and the SmartRouter are not uploaded (about 2 KiB gzip). TrieRouter
// supports every route pattern and is strict about trailing slashes, as the RegExpRouter is; it is the
// router the SmartRouter already settles on in dev mode, where `/dev/mail/:id` beside
// `/dev/mail/frames.css` is a pattern the RegExpRouter refuses. (Hono's smaller presets are not: their
// PatternRouter and LinearRouter match `/healthz/` for `/healthz`.) Node keeps `hono` itself.
import { HonoBase, type HonoOptions } from 'hono/hono-base';
import { TrieRouter } from 'hono/router/trie-router';
import type { BlankEnv, BlankSchema, Env, Schema } from 'hono/types';

export class Hono<
  E extends Env = BlankEnv,
  S extends Schema = BlankSchema,
  BasePath extends string = '/',
> extends HonoBase<E, S, BasePath> {
  constructor(options: HonoOptions<E> = {}) {
    super(options);
    this.router = options.router ?? new TrieRouter();
  }
}
