// The frame of a rig benchmark (bench:drain, bench:priority): the header on stdout, the rig
// (./service-rig.ts) around the benchmark's own run, the results files, the exit code and a watchdog.
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Race } from '../../src/domain/race.js';
import { requirePostgres } from '../../tools/postgres.js';
import { type Machine, machine } from './machine.js';
import { runBench } from './run.js';
import { buildIfStale } from './service-process.js';
import { type Rig, runRig } from './service-rig.js';
import { round2 } from './stats.js';
import type { Target } from './targets.js';

/** What a results file says of the run besides its measurements. */
export interface RunContext {
  info: Machine;
  postgres: string;
  load: number[];
  runSeconds: number;
}

export interface RigBench {
  /** `bench:<name>`; the results are `<name>.{md,json}` (or `<results>.{md,json}`), the database `fl_<name>_…`. */
  name: string;
  /** The results files' name when it is not `name` (a variant of the benchmark, e.g. `drain-waitlist`). */
  results?: string;
  /** One line on stdout under the header: what the run does. */
  describe: string;
  parameters: { timeoutS: number; providerRatePerSec: number; latencyMs: number };
  /** Places the race needs on every distance. */
  places: number;
  /** The race, instead of the default one with room for `places` everywhere. */
  race?: Race;
  serviceSettings: Record<string, string>;
  outDir: string;
  logDir: string;
  /**
   * The benchmark itself on the rig (it starts the services when it wants them): what it measured, its
   * targets and its Markdown. `runId` makes its emails unique.
   */
  run(rig: Rig, runId: string): Promise<{ measured: object; targets: Target[]; markdown(context: RunContext): string }>;
}

/** Runs the benchmark and exits: 0 unless it crashed (1), 2 past its --timeout, 130 on Ctrl-C. */
export function rigBench(bench: RigBench): void {
  const script = `bench:${bench.name}`;
  const main = async () => {
    await requirePostgres(`npm run ${script}`);
    const runStart = performance.now();
    const runId = `${bench.name[0]}${Date.now().toString(36)}`;
    const info = machine();
    const load = os.loadavg();
    console.log(
      `finishline ${bench.name} benchmark — ${info.cpu}, ${info.cores} cores, Node ${info.node}\n${bench.describe}`,
    );
    // Before the run, so no phase of it waits for the build (a seed's lead time, say).
    buildIfStale();
    const { parameters: params } = bench;
    return runRig(
      {
        script,
        dbPrefix: `fl_${bench.name}`,
        timeoutS: params.timeoutS,
        standIn: { rateLimitPerSec: params.providerRatePerSec, latencyMs: params.latencyMs },
        places: bench.places,
        ...(bench.race ? { race: bench.race } : {}),
      },
      async (rig) => {
        const { measured, targets, markdown } = await bench.run(rig, runId);
        const runSeconds = (performance.now() - runStart) / 1000;
        const md = markdown({ info, postgres: rig.postgres, load, runSeconds });
        console.log(`\n${md}`);
        const json = {
          machine: info,
          postgres: rig.postgres,
          loadAverageAtStart: load.map(round2),
          parameters: params,
          serviceSettings: bench.serviceSettings,
          runSeconds: round2(runSeconds),
          targets,
          ...measured,
        };
        await mkdir(bench.outDir, { recursive: true });
        const base = bench.results ?? bench.name;
        const jsonPath = join(bench.outDir, `${base}.json`);
        const mdPath = join(bench.outDir, `${base}.md`);
        await writeFile(jsonPath, `${JSON.stringify(json, null, 2)}\n`);
        await writeFile(mdPath, md);
        console.log(`results: ${jsonPath}\n         ${mdPath}\nservice logs: ${bench.logDir}`);
        return 0;
      },
    );
  };
  // The last resort, if the clean give-up itself hangs: exit 2 (the services get SIGTERM on exit).
  runBench(script, main, (bench.parameters.timeoutS + 60) * 1000);
}
