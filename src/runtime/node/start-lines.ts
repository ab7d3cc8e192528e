// What `npm start` / `npm run dev` tell the person who started the service, on stderr, once: where it
// listens, the mode when it was chosen by itself, and where the admin token comes from. A token is
// shown only when this run made it (dev mode without ADMIN_TOKEN); production never makes one, so
// without ADMIN_TOKEN it says admin is off.
import type { NodeService } from './service.js';

export function startLines(
  service: Pick<NodeService, 'url' | 'modes' | 'adminToken'>,
  env: { ADMIN_TOKEN?: string | undefined },
  pid: number,
): string[] {
  const lines = [`finishline listening on ${service.url} (pid ${pid})`];
  if (service.modes.devModeImplicit) {
    lines.push(
      'dev mode: no RESEND_API_KEY on a loopback HOST, so emails go to the dev mailbox (/dev/mail) and ' +
        'the strategy and /dev routes are on; set DEV_MODE=0 or RESEND_API_KEY for production',
    );
  }
  if (!service.adminToken) {
    lines.push(
      'admin is off: ADMIN_TOKEN is not set, so /admin and /api/admin refuse everyone; set one ' +
        '(`openssl rand -hex 32`) to turn it on',
    );
  } else if (!env.ADMIN_TOKEN?.trim()) {
    lines.push(
      `admin token for this run (dev mode, ADMIN_TOKEN unset): ${service.adminToken} — sign in at ${service.url}/admin`,
    );
  }
  return lines;
}
