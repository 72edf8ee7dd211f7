/** `1 service`, `2 services`: a number and its noun, for the log, the plan and the report. */
export function count(n: number, noun: string, plural = `${noun}s`): string {
  return `${n} ${n === 1 ? noun : plural}`
}
