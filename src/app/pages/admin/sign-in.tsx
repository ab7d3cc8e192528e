// The admin sign-in form (GET /admin when not signed in), or the word that admin is off.
import { Layout, type Site } from '../layout.js';

/** Admin is off (no ADMIN_TOKEN on the server): said instead of the sign-in form. */
function AdminOff() {
  return (
    <div class="alert info" role="status">
      <p>
        Admin is off: this server has no admin token. Set <code>ADMIN_TOKEN</code> (for example the output of{' '}
        <code>openssl rand -hex 32</code>) and restart or redeploy the service to use the dashboard.
      </p>
    </div>
  );
}

export function AdminSignInPage(props: { site: Site; error?: string; notice?: string; adminOff?: boolean }) {
  const { error } = props;
  if (props.adminOff) {
    return (
      <Layout title="Admin is off" site={props.site} section="admin">
        <section class="card signin" aria-labelledby="signin-title">
          <h1 id="signin-title">Admin sign-in</h1>
          <AdminOff />
        </section>
      </Layout>
    );
  }
  return (
    <Layout title={error ? 'Error: Admin sign-in' : 'Admin sign-in'} site={props.site} section="admin">
      <section class="card signin" aria-labelledby="signin-title">
        <h1 id="signin-title">Admin sign-in</h1>
        <p class="muted">For the organisers: sign in with the admin token (ADMIN_TOKEN).</p>
        {props.notice ? (
          <div class="alert info" role="status">
            <p>{props.notice}</p>
          </div>
        ) : null}
        <form class="stack" method="post" action="/admin/login">
          <div class="field">
            <label for="token">Admin token</label>
            <input
              type="password"
              id="token"
              name="token"
              autocomplete="current-password"
              required
              aria-invalid={error ? 'true' : undefined}
              aria-describedby={error ? 'token-error' : undefined}
            />
            {error ? (
              <span class="error-message" id="token-error">
                {error}
              </span>
            ) : null}
          </div>
          <button type="submit" class="button block">
            Sign in
          </button>
        </form>
      </section>
    </Layout>
  );
}
