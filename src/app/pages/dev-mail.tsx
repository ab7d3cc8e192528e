import type { DevMailMessage } from '../../ports/store.js';
import { Layout } from './layout.js';

// Each message's HTML is shown in a sandboxed iframe (no scripts, no same-origin), its text part beside it.
export function DevMailPage(props: { messages: DevMailMessage[] }) {
  return (
    <Layout title="Dev mailbox">
      <h1>Dev mailbox</h1>
      <p class="meta">
        Every email the app sent while no <code>RESEND_API_KEY</code> is set. Newest first, {props.messages.length}{' '}
        shown.
      </p>
      {props.messages.map((m) => (
        <article>
          <h2>{m.subject}</h2>
          <p class="meta">
            To {m.to} · from {m.from} · {m.createdAt.toISOString()} · id {m.id}
          </p>
          <div class="parts">
            <iframe title={`HTML part of ${m.id}`} sandbox="" srcdoc={m.html} />
            <pre>{m.text}</pre>
          </div>
        </article>
      ))}
    </Layout>
  );
}
