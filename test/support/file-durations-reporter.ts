// A vitest reporter that ends `npm test` with each test file's wall time, slowest first, so the files
// that make the suite slow are named in every run's output. It sits before the default reporter in
// vitest.config.ts: the table comes out above the default summary, which stays the run's last lines.
import type { Reporter, TestModule, Vitest } from 'vitest/node';

/** Everything the file took in its worker: environment, harness, importing it, setup, tests and hooks. */
function wallTime(module: TestModule): number {
  const d = module.diagnostic();
  return d.environmentSetupDuration + d.prepareDuration + d.collectDuration + d.setupDuration + d.duration;
}

const seconds = (millis: number) => `${(millis / 1000).toFixed(1)} s`.padStart(8);

export default class FileDurationsReporter implements Reporter {
  private vitest: Vitest | undefined;

  onInit(vitest: Vitest): void {
    this.vitest = vitest;
  }

  onTestRunEnd(modules: ReadonlyArray<TestModule>): void {
    if (modules.length === 0) return;
    const rows = modules
      .map((module) => ({ module, wall: wallTime(module), import: module.diagnostic().collectDuration }))
      .sort((a, b) => b.wall - a.wall);
    const log = (line: string) => (this.vitest ? this.vitest.logger.log(line) : console.log(line));
    log('\n Wall time per file (slowest first; import = loading the file and what it imports)');
    for (const { module, wall, import: imported } of rows) {
      const failed = module.state() === 'failed' ? '  FAILED' : '';
      log(`${seconds(wall)}  (import ${seconds(imported).trim()})  ${module.relativeModuleId}${failed}`);
    }
  }
}
