// Command-line number parsing shared by the benchmarks.

/** A whole number ≥ `min` from a `--name` flag, or an error that names the flag. */
export function positiveInt(name: string, raw: string | undefined, min = 1): number {
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min) throw new Error(`--${name} must be a whole number ≥ ${min}`);
  return value;
}
