// After "Send me my confirmation again" (GET /resend-confirmation, the redirect of its form post): the
// same words whether or not the address is registered — only its owner learns which, from their inbox.
// The address is named when the post just came (its flash), never looked up.
import type { Race } from '../../domain/race.js';
import { Layout, type Site } from './layout.js';

export function ResendConfirmationPage(props: { site: Site; race: Race; email?: string; windowMinutes: number }) {
  const { race, email } = props;
  return (
    <Layout title="Check your inbox" site={props.site}>
      <article class="card confirmation" aria-labelledby="title">
        <h1 id="title">Check your inbox</h1>
        <p class="lead">
          {email ? (
            <>
              If <strong class="address">{email}</strong> is registered for {race.name}, we've sent its confirmation
              again.
            </>
          ) : (
            <>If the address is registered for {race.name}, we've sent its confirmation again.</>
          )}
        </p>
        <p class="muted">
          It can take a few minutes to arrive; look in your spam folder too. We send it again at most once every{' '}
          {props.windowMinutes} minutes.
        </p>
        <div class="actions">
          <a class="button secondary" href="/">
            Back to the sign-up page
          </a>
        </div>
      </article>
    </Layout>
  );
}
