import type { Clock } from './util/time.js'

/** Where the run's log lines go: @actions/core on the runner, an array in tests. */
export interface Logger {
  info(message: string): void
  warning(message: string): void
  error(message: string): void
  debug(message: string): void
  /**
   * A line for the live log only, not kept in the report (a task seen STOPPED): what a person
   * watching the job wants to see as it happens, too fine for the summary's story. Loggers without
   * it print nothing.
   */
  progress?(message: string): void
  /** A collapsible section in the runner's log. */
  group<T>(name: string, work: () => Promise<T>): Promise<T>
}

/**
 * A logger that keeps every line, for tests and for the benchmark; with a clock, also when each
 * line was written (`at`, the same index as `lines`).
 */
export class MemoryLogger implements Logger {
  readonly lines: string[] = []
  readonly at: number[] = []
  constructor(private readonly clock?: Clock) {}
  private push(line: string): void {
    this.lines.push(line)
    if (this.clock) this.at.push(this.clock())
  }
  info(message: string): void {
    this.push(message)
  }
  warning(message: string): void {
    this.push(`warning: ${message}`)
  }
  error(message: string): void {
    this.push(`error: ${message}`)
  }
  debug(message: string): void {
    this.push(`debug: ${message}`)
  }
  progress(message: string): void {
    this.push(message)
  }
  async group<T>(name: string, work: () => Promise<T>): Promise<T> {
    this.push(`[${name}]`)
    return work()
  }
}
