import type { DevMailMessage } from '../../ports/store.js';
import { DevPageHead } from './dev-page-head.js';
import { estimateEmailHeight } from './email-height.js';
import { formatTimestamp } from './format.js';
import { Layout, type Site } from './layout.js';

/** Where a message's HTML part is served alone (its own strict CSP, sandboxed): the frame's source and the link. */
export const devMailHref = (id: string) => `/dev/mail/${id}`;

/** The stylesheet with each frame's height (GET /dev/mail/frames.css). */
export const DEV_MAIL_FRAMES_CSS = '/dev/mail/frames.css';

/**
 * The frame's width (it spans the message card, app.css) at the narrow end of each layout band of the
 * mailbox: wider than 44rem it is at least 584 px, so the email's 560 px card fits and the height no
 * longer changes; 30–44rem at least 392 px (a desktop scrollbar included); 22.5–30rem at least 289 px
 * (a 360 px phone); below that 247 px (a 320 px one), estimated at 240: there the labels' column leaves
 * the values little room, and a few pixels less make a line more. An email only gets shorter as its
 * frame widens, so each band's height holds across the band.
 */
const BANDS = [
  { media: '', width: 584 },
  { media: '(max-width:44rem)', width: 392 },
  { media: '(max-width:30rem)', width: 289 },
  { media: '(max-width:22.5rem)', width: 240 },
] as const;

const frameId = (id: string) => `frame-${id}`;

/**
 * Each message's frame as tall as its HTML is estimated to render (./email-height.ts), per layout band.
 * No script can measure a frame under the pages' CSP, nor may a style attribute set it: a stylesheet of
 * our own can. Ids are the messages' uuids (nothing else reaches the CSS).
 */
export function devMailFrameStyles(messages: Pick<DevMailMessage, 'id' | 'html'>[]): string {
  const safe = messages.filter((m) => /^[0-9a-f-]{36}$/i.test(m.id));
  return BANDS.map(({ media, width }) => {
    const rules = safe.map((m) => `#${frameId(m.id)}{height:${estimateEmailHeight(m.html, width)}px}`).join('\n');
    return media ? `@media ${media}{\n${rules}\n}` : rules;
  }).join('\n');
}

// Each message's HTML is shown in a sandboxed iframe (sandbox="": no scripts, no forms, a unique
// origin) of the email served alone (GET /dev/mail/:id, with a CSP of its own that sandboxes it too),
// as tall as the email (the frames' stylesheet); its text part below it.
export function DevMailPage(props: { site: Site; messages: DevMailMessage[] }) {
  const count = props.messages.length;
  return (
    <Layout title="Dev mailbox" site={props.site} section="mail" stylesheets={count > 0 ? [DEV_MAIL_FRAMES_CSS] : []}>
      <DevPageHead
        title="Dev mailbox"
        count={count}
        noun="message"
        empty="No email yet. Sign up on the sign-up page and the confirmation appears here."
      >
        Every email the app sent while no <code>RESEND_API_KEY</code> is set, newest first.
      </DevPageHead>
      {props.messages.map((m) => (
        <article class="card message" aria-labelledby={`subject-${m.id}`}>
          <h2 id={`subject-${m.id}`}>{m.subject}</h2>
          <p class="meta">
            To <strong>{m.to}</strong> · from {m.from} · {formatTimestamp(m.createdAt)} ·{' '}
            <span class="mono">{m.id}</span>
          </p>
          <div class="parts">
            <section aria-label="HTML part">
              <div class="part-head">
                <h3>HTML</h3>
                <a href={devMailHref(m.id)}>
                  Open alone at full size
                  <span class="visually-hidden">
                    : "{m.subject}" to {m.to}
                  </span>
                </a>
              </div>
              <iframe
                id={frameId(m.id)}
                class="mail-frame"
                title={`HTML part of "${m.subject}" to ${m.to}`}
                sandbox=""
                src={devMailHref(m.id)}
                loading="lazy"
              />
            </section>
            <section aria-label="Text part">
              <h3>Text</h3>
              <pre>{m.text}</pre>
            </section>
          </div>
        </article>
      ))}
    </Layout>
  );
}
