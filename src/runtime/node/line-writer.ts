// Log lines leave in one write per turn of the event loop instead of one write(2) per line: under load
// a turn answers dozens of requests, and stdout to a file or a pipe is written synchronously on Node.
// What a turn buffered is written before the next turn's I/O (setImmediate), and on exit.

export interface LineWriter {
  /** Queues `line` (without its newline). */
  line(line: string): void;
  /** Writes what is queued now. */
  flush(): void;
}

export function createLineWriter(write: (chunk: string) => void): LineWriter {
  let pending = '';
  let scheduled = false;
  const flush = () => {
    scheduled = false;
    if (pending === '') return;
    const chunk = pending;
    pending = '';
    write(chunk);
  };
  return {
    line(line) {
      pending += `${line}\n`;
      if (!scheduled) {
        scheduled = true;
        setImmediate(flush);
      }
    },
    flush,
  };
}
