// The admin dashboard (GET /admin): counts, dead letters, registrations. Everything works without
// JavaScript: the search is a GET form, paging is links, a replay is a small POST form per dead letter,
// a withdrawal a POST form per registration (behind a <details> confirmation).
import type { Race } from '../../../domain/race.js';
import type { DeliveryCounts, RacePlaces, RegistrationView, TaskView } from '../../../ports/admin-store.js';
import type { TaskStatus } from '../../../ports/tasks.js';
import { formatCount } from '../format.js';
import { Layout, type Site } from '../layout.js';
import { Counts } from './counts.js';
import { DeadLetters } from './dead-letters.js';
import { type RegistrationFilters, Registrations } from './registrations.js';

export interface Flash {
  tone: 'ok' | 'error' | 'info';
  text: string;
}

export interface AdminDashboardProps {
  site: Site;
  race: Race;
  places: RacePlaces;
  taskCounts: Record<TaskStatus, number>;
  /** Registrations by their latest confirmation's delivery. */
  deliveries: DeliveryCounts;
  registrations: RegistrationView[];
  filters: RegistrationFilters;
  /** Link to the next page of registrations, or null on the last page. */
  nextPage: string | null;
  /** True when showing a later page (offer a way back to the first). */
  paged: boolean;
  csvHref: string;
  deadLetters: TaskView[];
  flash?: Flash;
}

export function AdminDashboardPage(props: AdminDashboardProps) {
  const { race, places } = props;
  const taken = Object.values(places).reduce((sum, p) => sum + p.taken, 0);
  const waiting = Object.values(places).reduce((sum, p) => sum + p.waitlistLength, 0);
  return (
    <Layout title="Admin" site={props.site} section="admin">
      <div class="page-head">
        <div>
          <h1>Admin</h1>
          <p class="muted">
            {race.name} · {formatCount(taken)} {taken === 1 ? 'place' : 'places'} taken
            {waiting > 0 ? ` · ${formatCount(waiting)} waiting` : ''}
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
      <Counts race={race} places={places} taskCounts={props.taskCounts} deliveries={props.deliveries} />
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
