// The dashboard's counts: places per distance (taken of the cap, open offers, the waitlist), tasks per
// status, and the registrations whose confirmation was delivered, bounced or complained of (each a link
// to those registrations).
import type { Race } from '../../../domain/race.js';
import type { DeliveryCounts, RacePlaces } from '../../../ports/admin-store.js';
import type { ProviderDeliveryStatus } from '../../../ports/email-delivery.js';
import type { TaskStatus } from '../../../ports/tasks.js';
import { formatCount } from '../format.js';
import { firstPageHref, PROVIDER_DELIVERY_WORDS } from './registrations.js';

const TASK_STATUS_LABELS: [TaskStatus, string][] = [
  ['pending', 'Pending'],
  ['running', 'Running'],
  ['succeeded', 'Succeeded'],
  ['dead', 'Dead letters'],
  ['cancelled', 'Cancelled'],
];

/** The deliveries shown: the good news, and the two that mean the race cannot reach the runner. */
const DELIVERIES_SHOWN: ProviderDeliveryStatus[] = ['delivered', 'bounced', 'complained'];

function plural(n: number, one: string, many: string): string {
  return `${formatCount(n)} ${n === 1 ? one : many}`;
}

export function Counts(props: {
  race: Race;
  places: RacePlaces;
  taskCounts: Record<TaskStatus, number>;
  deliveries: DeliveryCounts;
}) {
  const { race, places, taskCounts, deliveries } = props;
  return (
    <section aria-labelledby="counts-title">
      <h2 id="counts-title" class="visually-hidden">
        Counts
      </h2>
      <ul class="stats" aria-label="Places per distance">
        {race.distances.map((d) => {
          const { taken, offersOpen, waitlistLength } = places[d.id] ?? { taken: 0, offersOpen: 0, waitlistLength: 0 };
          // Offers and the waitlist are shown where the race has a waitlist, or where there are some anyway.
          const waitlist = race.waitlist !== undefined || offersOpen > 0 || waitlistLength > 0;
          return (
            <li class="stat" data-distance={d.id}>
              <span class="label">{d.label}</span>
              <span class="value">
                {formatCount(taken)} <span class="of">/ {formatCount(d.cap)}</span>
              </span>
              <progress
                value={Math.min(taken, d.cap)}
                max={d.cap}
                aria-label={`${d.label}: ${taken} of ${d.cap} places taken`}
              >
                {taken} of {d.cap}
              </progress>
              {waitlist ? (
                <span class="detail">
                  {plural(offersOpen, 'open offer', 'open offers')} · {formatCount(waitlistLength)} waiting
                </span>
              ) : null}
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
      <ul class="stats" aria-label="Registrations by confirmation delivery">
        {DELIVERIES_SHOWN.map((delivery) => (
          <li class={delivery !== 'delivered' && deliveries[delivery] > 0 ? 'stat danger' : 'stat'}>
            <span class="label">{PROVIDER_DELIVERY_WORDS[delivery].label}</span>
            <span class="value">
              <a href={`${firstPageHref({ delivery })}#registrations`} data-delivery={delivery}>
                {formatCount(deliveries[delivery])}
              </a>
            </span>
          </li>
        ))}
      </ul>
    </section>
  );
}
