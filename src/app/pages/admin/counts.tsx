// The dashboard's counts: places taken per distance, tasks per status.
import type { Race } from '../../../domain/race.js';
import type { TaskStatus } from '../../../ports/tasks.js';
import { formatCount } from '../format.js';

const TASK_STATUS_LABELS: [TaskStatus, string][] = [
  ['pending', 'Pending'],
  ['running', 'Running'],
  ['succeeded', 'Succeeded'],
  ['dead', 'Dead letters'],
  ['cancelled', 'Cancelled'],
];

export function Counts(props: { race: Race; taken: Record<string, number>; taskCounts: Record<TaskStatus, number> }) {
  const { race, taken, taskCounts } = props;
  return (
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
              <progress value={Math.min(n, d.cap)} max={d.cap} aria-label={`${d.label}: ${n} of ${d.cap} places taken`}>
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
  );
}
