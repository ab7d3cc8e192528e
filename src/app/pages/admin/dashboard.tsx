// The admin dashboard (GET /admin): counts, dead letters, registrations. Everything works without
// JavaScript: the search is a GET form, paging is links, a replay is a small POST form per dead letter.
import type { Race } from '../../../domain/race.js';
import type { RegistrationView, TaskView } from '../../../ports/admin-store.js';
import type { TaskStatus } from '../../../ports/tasks.js';
import { formatCount } from '../format.js';
import { Layout, type Site } from '../layout.js';
import { Counts } from './counts.js';
import { DeadLetters } from './dead-letters.js';
import { Registrations } from './registrations.js';

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

export function AdminDashboardPage(props: AdminDashboardProps) {
  const { race, taken } = props;
  const total = Object.values(taken).reduce((sum, n) => sum + n, 0);
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
      <Counts race={race} taken={taken} taskCounts={props.taskCounts} />
      <DeadLetters deadLetters={props.deadLetters} />
      <Registrations
        race={race}
        registrations={props.registrations}
        filters={props.filters}
        nextPage={props.nextPage}
        paged={props.paged}
        csvHref={props.csvHref}
      />
    </Layout>
  );
}
