/** Prints one summary line of a fault scenario. */
export function summary(scenario: string, figures: Record<string, string | number>): void {
  const line = Object.entries(figures)
    .map(([name, value]) => `${name}=${value}`)
    .join(' ');
  console.log(`[fault ${scenario}] ${line}`);
}
