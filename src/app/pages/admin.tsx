// The admin dashboard (GET /admin) and its sign-in form. Everything works without JavaScript: the
// search is a GET form, paging is links, a replay is a small POST form per dead letter.
import type { Race } from '../../domain/race.js';
import type { RegistrationView, TaskView } from '../../ports/admin-store.js';
import type { TaskStatus } from '../../ports/tasks.js';
import { deliveryWords, formatCount, formatTimestamp } from './format.js';
import { Layout, type Site } from './layout.js';

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

export interface Flash {
  tone: 'ok' | 'error' | 'info';
  text: string;
}

export interface AdminDashboardProps {
  site: Site;
  race: Race;
  taken: Record<string, number>;
  taskCounts: Record<TaskStatus, number>;
  registrations: RegistrationView[];
  filters: { q?: string; distance?: string };
  /** Link to the next page of registrations, or null on the last page. */
  nextPage: string | null;
  /** True when showing a later page (offer a way back to the first). */
  paged: boolean;
  csvHref: string;
  deadLetters: TaskView[];
  flash?: Flash;
}

const TASK_STATUS_LABELS: [TaskStatus, string][] = [
  ['pending', 'Pending'],
  ['running', 'Running'],
  ['succeeded', 'Succeeded'],
  ['dead', 'Dead letters'],
  ['cancelled', 'Cancelled'],
];

function shortId(id: string): string {
  return id.slice(0, 8);
}

export function AdminDashboardPage(props: AdminDashboardProps) {
  const { race, taken, taskCounts, filters } = props;
  const total = Object.values(taken).reduce((sum, n) => sum + n, 0);
  const distanceLabel = (id: string) => race.distances.find((d) => d.id === id)?.label ?? id;
  return (
    <Layout title="Admin" site={props.site} section="admin">
      <div class="page-head">
        <div>
          <h1>Admin</h1>
          <p class="muted">
            {race.name} · {formatCount(total)} {total === 1 ? 'registration' : 'registrations'}
          </p>
        </div>
        <form method="post" action="/admin/logout">
          <button type="submit" class="button secondary small">
            Sign out
          </button>
        </form>
      </div>

      {props.flash ? (
        <div class={`alert ${props.flash.tone}`} role="status">
          <p>{props.flash.text}</p>
        </div>
      ) : null}

      <section aria-labelledby="counts-title">
        <h2 id="counts-title" class="visually-hidden">
          Counts
        </h2>
        <ul class="stats" aria-label="Registrations per distance">
          {race.distances.map((d) => {
            const n = taken[d.id] ?? 0;
            return (
              <li class="stat">
                <span class="label">{d.label}</span>
                <span class="value">
                  {formatCount(n)} <span class="of">/ {formatCount(d.cap)}</span>
                </span>
                <progress
                  value={Math.min(n, d.cap)}
                  max={d.cap}
                  aria-label={`${d.label}: ${n} of ${d.cap} places taken`}
                >
                  {n} of {d.cap}
                </progress>
              </li>
            );
          })}
        </ul>
        <ul class="stats" aria-label="Email tasks by status">
          {TASK_STATUS_LABELS.map(([status, label]) => (
            <li class={status === 'dead' && taskCounts.dead > 0 ? 'stat danger' : 'stat'}>
              <span class="label">{label}</span>
              <span class="value">{formatCount(taskCounts[status])}</span>
            </li>
          ))}
        </ul>
      </section>

      <section class="card" aria-labelledby="dead-title" id="dead-letters">
        <div class="section-head">
          <h2 id="dead-title">Dead letters</h2>
          <span class="muted small">Tasks of every kind that will not be retried automatically</span>
        </div>
        {props.deadLetters.length === 0 ? (
          <p class="empty">None: no task needs an admin.</p>
        ) : (
          <div class="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">Task</th>
                  <th scope="col">Kind</th>
                  <th scope="col">Key</th>
                  <th scope="col">Priority</th>
                  <th scope="col">Registration</th>
                  <th scope="col">Attempts</th>
                  <th scope="col">Last error</th>
                  <th scope="col">Last due</th>
                  <th scope="col">Since</th>
                  <th scope="col">
                    <span class="visually-hidden">Action</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {props.deadLetters.map((task) => (
                  <tr>
                    <td class="mono" title={task.id}>
                      {shortId(task.id)}
                    </td>
                    <td class="mono">{task.kind}</td>
                    <td class="mono">{task.key ?? '—'}</td>
                    <td>{task.priority}</td>
                    <td class="mono">
                      {task.registrationId ? (
                        <a href={`/registrations/${task.registrationId}`}>{shortId(task.registrationId)}</a>
                      ) : (
                        '—'
                      )}
                    </td>
                    <td>
                      {task.attempts} / {task.maxAttempts}
                    </td>
                    <td class="error-text">{task.lastError ?? '—'}</td>
                    <td>{formatTimestamp(task.runAt)}</td>
                    <td>{formatTimestamp(task.updatedAt)}</td>
                    <td>
                      <form method="post" action={`/admin/tasks/${task.id}/retry`}>
                        <button
                          type="submit"
                          class="button small"
                          aria-label={`Retry task ${shortId(task.id)}`}
                          data-task={task.id}
                        >
                          Retry
                        </button>
                      </form>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>

      <section class="card" aria-labelledby="registrations-title">
        <div class="section-head">
          <h2 id="registrations-title">Registrations</h2>
          <a class="button secondary small" href={props.csvHref} download="registrations.csv">
            Download CSV
          </a>
        </div>
        <form class="toolbar" method="get" action="/admin">
          <div class="field">
            <label for="q">Search</label>
            <input type="search" id="q" name="q" value={filters.q ?? ''} maxlength={200} placeholder="Name or email" />
          </div>
          <div class="field narrow">
            <label for="filter-distance">Distance</label>
            <select id="filter-distance" name="distance">
              <option value="">All distances</option>
              {race.distances.map((d) => (
                <option value={d.id} selected={filters.distance === d.id}>
                  {d.label}
                </option>
              ))}
            </select>
          </div>
          <button type="submit" class="button">
            Search
          </button>
          {filters.q || filters.distance ? (
            <a class="button secondary" href="/admin">
              Clear
            </a>
          ) : null}
        </form>
        {props.registrations.length === 0 ? (
          <p class="empty">No registrations {filters.q || filters.distance ? 'match this search' : 'yet'}.</p>
        ) : (
          <div class="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Email</th>
                  <th scope="col">Distance</th>
                  <th scope="col">Registered</th>
                  <th scope="col">Confirmation email</th>
                </tr>
              </thead>
              <tbody>
                {props.registrations.map((r) => {
                  const words = deliveryWords(r.emailStatus);
                  return (
                    <tr>
                      <td>
                        <a href={`/registrations/${r.id}`}>
                          {r.firstName} {r.lastName}
                        </a>
                      </td>
                      <td>{r.email}</td>
                      <td>{distanceLabel(r.distance)}</td>
                      <td>{formatTimestamp(r.createdAt)}</td>
                      <td>
                        <span class={`badge ${words.tone}`}>{words.label}</span>
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        )}
        {props.paged || props.nextPage ? (
          <nav class="pager" aria-label="Registration pages">
            {props.paged ? (
              <a class="button secondary small" href={firstPageHref(filters)}>
                First page
              </a>
            ) : null}
            {props.nextPage ? (
              <a class="button secondary small" href={props.nextPage} rel="next">
                Next page
              </a>
            ) : null}
          </nav>
        ) : null}
      </section>
    </Layout>
  );
}

export function firstPageHref(filters: { q?: string; distance?: string }): string {
  const query = new URLSearchParams();
  if (filters.q) query.set('q', filters.q);
  if (filters.distance) query.set('distance', filters.distance);
  const text = query.toString();
  return text ? `/admin?${text}` : '/admin';
}
