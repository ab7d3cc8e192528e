// A benchmark's targets, as each script reports them: what was aimed at, what was measured, met or not.
export interface Target {
  target: string;
  measured: string;
  met: boolean;
}

/** The "## Targets" section of a results file (Markdown lines, ending with a blank one). */
export function targetsSection(goals: Target[]): string[] {
  return [
    '## Targets',
    '',
    '| target | measured | met |',
    '|---|---|---|',
    ...goals.map((g) => `| ${g.target} | ${g.measured} | ${g.met ? 'yes' : '**no**'} |`),
    '',
  ];
}
