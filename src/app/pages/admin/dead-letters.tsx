// The dashboard's dead letters: tasks of every kind that will not be retried, each with a replay form.
import type { TaskView } from '../../../ports/admin-store.js';
import { formatTimestamp } from '../format.js';

function shortId(id: string): string {
  return id.slice(0, 8);
}

export function DeadLetters(props: { deadLetters: TaskView[] }) {
  return (
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
  );
}
