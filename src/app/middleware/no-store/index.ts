// `Cache-Control: no-store` for answers about a person (a registration, a form echoing what they typed):
// no browser cache, shared proxy or CDN may keep a copy of someone's name, email or address.
import type { MiddlewareHandler } from 'hono';
import { setResponseHeader } from '../after-next/index.js';

export const noStore: MiddlewareHandler = async (c, next) => {
  await next();
  // After next(): also covers the answers onError renders (409, 422, 404, …), which name the person too.
  setResponseHeader(c, 'cache-control', 'no-store');
};
