// The line for the next send slot within one engine: the most urgent waiting batch (lowest priority,
// then first come) reserves next. One reservation at a time per engine still keeps to the full rate —
// each is made the moment the one before comes due, so it gets the very next slot — and a confirmation
// that arrives while a thousand reminders wait goes ahead of them instead of behind. Across processes
// the claim's order (priority, then run_at) does the same for the work in the table.
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

export function createSlotLine(): SlotLine {
  const waiting: Waiter[] = [];
  let busy = false;
  let order = 0;

  function next() {
    busy = false;
    if (waiting.length === 0) return;
    let best = 0;
    for (let i = 1; i < waiting.length; i++) {
      const w = waiting[i] as Waiter;
      const b = waiting[best] as Waiter;
      if (w.priority < b.priority || (w.priority === b.priority && w.order < b.order)) best = i;
    }
    const [chosen] = waiting.splice(best, 1);
    busy = true;
    chosen?.go();
  }

  return {
    turn(priority, signal) {
      return new Promise((resolve, reject) => {
        if (signal.aborted) return reject(signal.reason);
        let done = false;
        const finish = () => {
          if (done) return;
          done = true;
          next();
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
        if (busy) waiting.push(waiter);
        else {
          busy = true;
          waiter.go();
        }
      });
    },
  };
}
