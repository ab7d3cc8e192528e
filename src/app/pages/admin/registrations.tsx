// The dashboard's registrations: search, distance filter, a page of rows, the CSV link.
import type { Race } from '../../../domain/race.js';
import type { RegistrationView } from '../../../ports/admin-store.js';
import { deliveryWords, formatTimestamp } from '../format.js';

export interface RegistrationsProps {
  race: Race;
  registrations: RegistrationView[];
  filters: { q?: string; distance?: string };
  /** Link to the next page of registrations, or null on the last page. */
  nextPage: string | null;
  /** True when showing a later page (offer a way back to the first). */
  paged: boolean;
  csvHref: string;
}

export function Registrations(props: RegistrationsProps) {
  const { race, filters } = props;
  const distanceLabel = (id: string) => race.distances.find((d) => d.id === id)?.label ?? id;
  return (
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
  );
}

export function firstPageHref(filters: { q?: string; distance?: string }): string {
  const query = new URLSearchParams();
  if (filters.q) query.set('q', filters.q);
  if (filters.distance) query.set('distance', filters.distance);
  const text = query.toString();
  return text ? `/admin?${text}` : '/admin';
}
