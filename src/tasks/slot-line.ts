// The line for the next send slot within one engine: the most urgent waiting batch (lowest priority,
// then first come) reserves next. One reservation at a time per engine still keeps to the full rate —
// each is made the moment the one before comes due, so it gets the very next slot — and a confirmation
// that arrives while a thousand reminders wait goes ahead of them instead of behind. Across processes
// the claim's order (priority, then run_at) does the same for the work in the table.
//
// The grace: when the turn passes from urgent work to less urgent work, the line holds it for a moment
// (the batch window) in case the urgent kind's next batch is still gathering — a batcher forms it just
// as the one before is sent. Without it, a reminder batch already waiting would take every other slot
// from a burst of confirmations.
export interface SlotLine {
  /**
   * Waits for this waiter's turn; resolves with `done`, to call once its slot has come (or it gave up).
   * Rejects with the signal's reason when it aborts first.
   */
  turn(priority: number, signal: AbortSignal): Promise<() => void>;
}

interface Waiter {
  priority: number;
  order: number;
  go: () => void;
}

export function createSlotLine(options: { graceMs?: number } = {}): SlotLine {
  const graceMs = options.graceMs ?? 0;
  const waiting: Waiter[] = [];
  let busy = false;
  let order = 0;
  // The priority of the last holder, while the line holds the turn for more of its kind (the grace).
  let holdingFor: { priority: number; timer: ReturnType<typeof setTimeout> } | undefined;

  const best = () => {
    let at = 0;
    for (let i = 1; i < waiting.length; i++) {
      const w = waiting[i] as Waiter;
      const b = waiting[at] as Waiter;
      if (w.priority < b.priority || (w.priority === b.priority && w.order < b.order)) at = i;
    }
    return at;
  };

  function give() {
    if (holdingFor) clearTimeout(holdingFor.timer);
    holdingFor = undefined;
    const [chosen] = waiting.splice(best(), 1);
    busy = chosen !== undefined;
    chosen?.go();
  }

  /** The holder of `priority` is done: the turn goes on, or waits the grace for work as urgent. */
  function next(priority: number) {
    busy = false;
    if (waiting.length === 0) return;
    if (graceMs > 0 && (waiting[best()] as Waiter).priority > priority) {
      busy = true;
      holdingFor = { priority, timer: setTimeout(give, graceMs) };
      return;
    }
    give();
  }

  return {
    turn(priority, signal) {
      return new Promise((resolve, reject) => {
        if (signal.aborted) return reject(signal.reason);
        let done = false;
        const finish = () => {
          if (done) return;
          done = true;
          next(priority);
        };
        const waiter: Waiter = {
          priority,
          order: order++,
          go: () => {
            signal.removeEventListener('abort', onAbort);
            resolve(finish);
          },
        };
        const onAbort = () => {
          const i = waiting.indexOf(waiter);
          if (i >= 0) waiting.splice(i, 1);
          reject(signal.reason);
        };
        signal.addEventListener('abort', onAbort, { once: true });
        if (!busy) {
          busy = true;
          waiter.go();
          return;
        }
        waiting.push(waiter);
        // As urgent as the work the line is holding the turn for: it goes now.
        if (holdingFor && priority <= holdingFor.priority) give();
      });
    },
  };
}
