/** `1 log group`, `3 log groups`: a number and its noun, in the log, the plan and the summary. */
export function count(n: number, noun: string, plural = `${noun}s`): string {
  return `${n} ${n === 1 ? noun : plural}`
}
