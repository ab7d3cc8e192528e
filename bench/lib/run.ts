// How a bench script ends: with main()'s exit code, with 1 on a crash, or with 2 when it runs past its
// watchdog — a benchmark must stop by itself.
export function runBench(name: string, main: () => Promise<number>, watchdogMs: number): void {
  const watchdog = setTimeout(() => {
    console.error(`${name} still running after ${Math.round(watchdogMs / 1000)} s: giving up`);
    process.exit(2);
  }, watchdogMs);
  watchdog.unref();
  main().then(
    (code) => process.exit(code),
    (error) => {
      // A missing prerequisite is one line; anything else is a crash worth its stack.
      console.error(error instanceof Error && error.name === 'PrerequisiteError' ? error.message : error);
      process.exit(1);
    },
  );
}
