// Errors on pages are pages (HTML), with the status and headers the JSON API would give.
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { ApiError } from '../errors.js';
import { Layout, type Site } from './layout.js';

const TITLES: Record<number, { title: string; text: string }> = {
  400: { title: 'Bad request', text: 'We could not read that request.' },
  401: { title: 'Sign-in needed', text: 'This page is for the organisers. Sign in on the admin page first.' },
  403: {
    title: 'Refused',
    text: 'That form was sent from another site, so we refused it. Go back to our page and send it from there.',
  },
  404: { title: 'Page not found', text: 'There is nothing at this address. Check the link you followed.' },
  413: { title: 'Too much text', text: 'That form was larger than we accept (16 KiB). Please shorten your answers.' },
  415: {
    title: 'Unsupported form',
    text: 'The form was not sent as a standard web form (application/x-www-form-urlencoded).',
  },
  422: { title: 'Please check your input', text: 'Some of what was sent is not valid.' },
  429: { title: 'Too many attempts', text: 'There were too many sign-ups from your connection. Please wait a moment.' },
  503: { title: 'Back in a moment', text: 'The service is temporarily unavailable. Please try again shortly.' },
};

export function ErrorPage(props: { site: Site; status: number; title: string; text: string; detail?: string }) {
  return (
    <Layout title={props.title} site={props.site}>
      <div class="card error-page">
        <p class="code">Error {props.status}</p>
        <h1>{props.title}</h1>
        <p class="lead">{props.text}</p>
        {props.detail ? <p class="muted">{props.detail}</p> : null}
        <div class="actions">
          <a class="button" href="/">
            Go to the sign-up page
          </a>
        </div>
      </div>
    </Layout>
  );
}

/** The HTML counterpart of the JSON error envelope (for handleError and notFound). */
export function errorPage(c: Context, site: Site, error: Pick<ApiError, 'status' | 'code' | 'message'>) {
  const known = TITLES[error.status] ?? { title: 'Something went wrong', text: 'Something went wrong on our side.' };
  // Validation details are worth showing; other messages are already covered by the text.
  const detail = error.status === 422 || error.status === 409 ? error.message : undefined;
  c.header('cache-control', 'no-store');
  return c.html(
    <ErrorPage site={site} status={error.status} title={known.title} text={known.text} detail={detail} />,
    error.status as ContentfulStatusCode,
  );
}
