// The runner a manage link names (`/manage/<token>`, its page and its JSON API alike). The token is
// looked up by its hash only (src/domain/manage-link.ts); a malformed one, or any one while links are
// off, finds nobody without a lookup. The routes answer "nobody" as their 404.
import type { Context } from 'hono';
import { isManageToken, manageTokenHash } from '../../domain/manage-link.js';
import type { Registration } from '../../ports/store.js';
import type { AppDeps } from '../deps.js';

export async function runnerByToken(
  c: Context,
  deps: Pick<AppDeps, 'links'>,
  token: string,
): Promise<Registration | null> {
  if (!deps.links || !isManageToken(token)) return null;
  return c.get('services').store.findRegistrationByTokenHash(await manageTokenHash(token));
}
