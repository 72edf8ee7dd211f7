/** Where the run's log lines go: @actions/core on the runner, an array in tests. */
export interface Logger {
  info(message: string): void
  warning(message: string): void
  error(message: string): void
  debug(message: string): void
  /** A collapsible section in the runner's log; one per phase. */
  group<T>(name: string, work: () => Promise<T>): Promise<T>
}

/** A logger that keeps every line, for tests and for the benchmark. */
export class MemoryLogger implements Logger {
  readonly lines: string[] = []
  info(message: string): void {
    this.lines.push(message)
  }
  warning(message: string): void {
    this.lines.push(`warning: ${message}`)
  }
  error(message: string): void {
    this.lines.push(`error: ${message}`)
  }
  debug(message: string): void {
    this.lines.push(`debug: ${message}`)
  }
  async group<T>(name: string, work: () => Promise<T>): Promise<T> {
    this.lines.push(`[${name}]`)
    return work()
  }
}
