import type { DevMailMessage } from '../../ports/store.js';
import { DevPageHead } from './dev-page-head.js';
import { formatTimestamp } from './format.js';
import { Layout, type Site } from './layout.js';

// Each message's HTML is shown in a sandboxed iframe (sandbox="": no scripts, no forms, a unique
// origin; the HTML is escaped into srcdoc), its text part beside it.
export function DevMailPage(props: { site: Site; messages: DevMailMessage[] }) {
  const count = props.messages.length;
  return (
    <Layout title="Dev mailbox" site={props.site} section="mail">
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
              <h3>HTML</h3>
              <iframe title={`HTML part of "${m.subject}" to ${m.to}`} sandbox="" srcdoc={m.html} />
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
