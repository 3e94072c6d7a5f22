/** Prints one summary line of a fault scenario, outside jest's console capture so it reads as one line. */
export function summary(scenario: string, figures: Record<string, string | number>): void {
  const line = Object.entries(figures)
    .map(([name, value]) => `${name}=${value}`)
    .join(' ');
  process.stdout.write(`[fault ${scenario}] ${line}\n`);
}
