// The head shared by the development pages (mailbox, traces): title, what the page shows and how many,
// and a hint when there is nothing yet.
import type { Child } from 'hono/jsx';

export function DevPageHead(props: { title: string; count: number; noun: string; empty: string; children: Child }) {
  const { count, noun } = props;
  return (
    <>
      <div class="page-head">
        <div>
          <h1>{props.title}</h1>
          <p class="muted">
            {props.children} {count === 1 ? `1 ${noun}` : `${count} ${noun}s`} shown.
          </p>
        </div>
      </div>
      {count === 0 ? (
        <div class="card">
          <p class="empty">{props.empty}</p>
        </div>
      ) : null}
    </>
  );
}
