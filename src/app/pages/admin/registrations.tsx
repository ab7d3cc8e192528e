// The dashboard's registrations: search, distance, status and delivery filters, a page of rows (each
// with its status, a waitlisted runner's number, a Withdraw action behind a confirmation, and what Resend
// reported of the confirmation), the CSV link.
// Waitlisted runners alone are listed in waitlist order: the next place goes to #1.
import type { Race } from '../../../domain/race.js';
import type { RegistrationView } from '../../../ports/admin-store.js';
import { PROVIDER_DELIVERY_STATUSES, type ProviderDeliveryStatus } from '../../../ports/email-delivery.js';
import { REGISTRATION_STATUSES, type RegistrationStatus } from '../../../ports/store.js';
import { deliveryWords, formatTimestamp } from '../format.js';

export interface RegistrationFilters {
  q?: string;
  distance?: string;
  status?: RegistrationStatus;
  delivery?: ProviderDeliveryStatus;
}

/** A status in words, with the badge's colour (the delivery badges' tones). */
const STATUS_WORDS: Record<RegistrationStatus, { label: string; tone: string }> = {
  registered: { label: 'Registered', tone: 'sent' },
  pending_verification: { label: 'Pending verification', tone: 'sending' },
  offered: { label: 'Offered a place', tone: 'sending' },
  waitlisted: { label: 'Waitlisted', tone: 'retrying' },
  withdrawn: { label: 'Withdrawn', tone: 'cancelled' },
  expired: { label: 'Expired', tone: 'cancelled' },
};

/** What the provider reported in words, with a delivery badge's colour: the final misfortunes are red. */
export const PROVIDER_DELIVERY_WORDS: Record<ProviderDeliveryStatus, { label: string; tone: string }> = {
  sent: { label: 'Sent', tone: 'sending' },
  delayed: { label: 'Delayed', tone: 'retrying' },
  delivered: { label: 'Delivered', tone: 'sent' },
  failed: { label: 'Failed', tone: 'failed' },
  suppressed: { label: 'Suppressed', tone: 'failed' },
  bounced: { label: 'Bounced', tone: 'failed' },
  complained: { label: 'Complained', tone: 'failed' },
};

/** Statuses a runner can still be withdrawn from. */
function withdrawable(status: RegistrationStatus): boolean {
  return status !== 'withdrawn' && status !== 'expired';
}

/** The runner's status (a waitlisted runner's number, an offer's deadline) and, unless they are gone, Withdraw. */
function StatusCell(props: { registration: RegistrationView; filters: RegistrationFilters }) {
  const r = props.registration;
  const words = STATUS_WORDS[r.status];
  return (
    <td>
      <span class={`badge ${words.tone}`}>{words.label}</span>
      {r.position !== null ? <span class="mono"> #{r.position}</span> : null}
      {r.status === 'offered' && r.holdExpiresAt ? (
        <span class="muted small"> until {formatTimestamp(r.holdExpiresAt)}</span>
      ) : null}
      {withdrawable(r.status) ? <WithdrawAction registration={r} filters={props.filters} /> : null}
    </td>
  );
}

/** Withdraw, behind a second button (no script): the freed place goes to the next runner waiting. */
function WithdrawAction(props: { registration: RegistrationView; filters: RegistrationFilters }) {
  const r = props.registration;
  const name = `${r.firstName} ${r.lastName}`;
  return (
    <details class="confirm">
      <summary class="button secondary small">
        Withdraw<span class="visually-hidden"> {name}</span>
      </summary>
      <form method="post" action={`/admin/registrations/${r.id}/withdraw`}>
        {/* Back to the same list afterwards. */}
        {props.filters.q ? <input type="hidden" name="q" value={props.filters.q} /> : null}
        {props.filters.distance ? <input type="hidden" name="distance" value={props.filters.distance} /> : null}
        {props.filters.status ? <input type="hidden" name="status" value={props.filters.status} /> : null}
        {props.filters.delivery ? <input type="hidden" name="delivery" value={props.filters.delivery} /> : null}
        <button type="submit" class="button danger small" data-registration={r.id}>
          Confirm withdrawal<span class="visually-hidden"> of {name}</span>
        </button>
      </form>
    </details>
  );
}

export interface RegistrationsProps {
  race: Race;
  registrations: RegistrationView[];
  filters: RegistrationFilters;
  /** Link to the next page of registrations, or null on the last page. */
  nextPage: string | null;
  /** True when showing a later page (offer a way back to the first). */
  paged: boolean;
  csvHref: string;
}

export function Registrations(props: RegistrationsProps) {
  const { race, filters } = props;
  const distanceLabel = (id: string) => race.distances.find((d) => d.id === id)?.label ?? id;
  const filtered = Boolean(filters.q || filters.distance || filters.status || filters.delivery);
  return (
    <section class="card" aria-labelledby="registrations-title" id="registrations">
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
        <div class="field narrow">
          <label for="filter-status">Status</label>
          <select id="filter-status" name="status">
            <option value="">All statuses</option>
            {REGISTRATION_STATUSES.map((status) => (
              <option value={status} selected={filters.status === status}>
                {STATUS_WORDS[status].label}
              </option>
            ))}
          </select>
        </div>
        <div class="field narrow">
          <label for="filter-delivery">Delivery</label>
          <select id="filter-delivery" name="delivery">
            <option value="">Any delivery</option>
            {PROVIDER_DELIVERY_STATUSES.map((delivery) => (
              <option value={delivery} selected={filters.delivery === delivery}>
                {PROVIDER_DELIVERY_WORDS[delivery].label}
              </option>
            ))}
          </select>
        </div>
        <button type="submit" class="button">
          Search
        </button>
        {filtered ? (
          <a class="button secondary" href="/admin">
            Clear
          </a>
        ) : null}
      </form>
      {filters.status === 'waitlisted' ? (
        <p class="muted small">In waitlist order: the next place freed on a distance is offered to its #1.</p>
      ) : null}
      {props.registrations.length === 0 ? (
        <p class="empty">No registrations {filtered ? 'match this search' : 'yet'}.</p>
      ) : (
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Email</th>
                <th scope="col">Distance</th>
                <th scope="col">Status</th>
                <th scope="col">Signed up</th>
                <th scope="col">Confirmation email</th>
                <th scope="col">Delivery</th>
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
                    <StatusCell registration={r} filters={filters} />
                    <td>{formatTimestamp(r.createdAt)}</td>
                    <td>
                      <span class={`badge ${words.tone}`}>{words.label}</span>
                    </td>
                    <DeliveryCell delivery={r.delivery} />
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

/** What Resend reported of the latest confirmation; a dash until it reported anything. */
function DeliveryCell(props: { delivery: ProviderDeliveryStatus | null }) {
  if (props.delivery === null) return <td class="muted">—</td>;
  const words = PROVIDER_DELIVERY_WORDS[props.delivery];
  return (
    <td>
      <span class={`badge ${words.tone}`} data-delivery={props.delivery}>
        {words.label}
      </span>
    </td>
  );
}

export function firstPageHref(filters: RegistrationFilters): string {
  const query = new URLSearchParams();
  if (filters.q) query.set('q', filters.q);
  if (filters.distance) query.set('distance', filters.distance);
  if (filters.status) query.set('status', filters.status);
  if (filters.delivery) query.set('delivery', filters.delivery);
  const text = query.toString();
  return text ? `/admin?${text}` : '/admin';
}
