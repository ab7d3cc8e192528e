// Progress on stderr: one line per step, rewritten in place on a terminal, plain lines otherwise
// (a line when a step finishes, so logs and CI output stay short).

export interface ProgressLine {
  /** Redraws at most 20 times a second, unless `force`. */
  update(text: string, force?: boolean): void;
  done(text: string): void;
}

export function progressLine(stream: NodeJS.WriteStream = process.stderr): ProgressLine {
  const tty = stream.isTTY === true;
  let last = 0;
  return {
    update(text, force = false) {
      if (!tty) return;
      const now = Date.now();
      if (!force && now - last < 50) return;
      last = now;
      stream.write(`\r\x1b[K${text}`);
    },
    done(text) {
      stream.write(tty ? `\r\x1b[K${text}\n` : `${text}\n`);
    },
  };
}
