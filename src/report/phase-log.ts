import type { Logger } from '../log.js'
import type { WaitBoard, Waiting } from '../util/poll.js'
import { formatDuration, type Sleep } from '../util/time.js'
import type { ClusterReport } from './report.js'

/** Most lines of one phase kept in the report and the summary; the log gets them all. */
const REPORT_LINES_PER_PHASE = 100

/** While the run waits, the log says what it waits for at least this often (Terraform's pace). */
export const HEARTBEAT_MS = 10_000

/**
 * The live log of one cluster, and its phases for the report. Each line is written the moment it
 * is said, prefixed with the cluster's name (a sweep's clusters run side by side, and phases
 * overlap: services drain while standalone tasks stop, so neither can be a collapsible group of the
 * runner's log without holding its lines back). Each phase's lines are also kept, in the report, so
 * the summary tells the story in the same words as the log; a phase's end is one line with its
 * time. Warnings and errors are annotations, as they come.
 *
 * It is also the cluster's board of waits (WaitBoard): while something waits, every HEARTBEAT_MS a
 * line says what each wait is waiting for, as its last look saw it, and for how long. The pace
 * comes from the clock and sleep the run was given (virtual time in tests), no wait looks at AWS to
 * tell it, and the heartbeat stops when the last wait ends.
 */
export class PhaseLog implements WaitBoard {
  private readonly open = new Map<string, { started: number; lines: string[] }>()
  /** Phases begun quietly: when each began, until its first line makes it a phase of its own. */
  private readonly quiet = new Map<string, number>()
  /** When the cluster's teardown began: phases' starts count from here. */
  private readonly origin: number
  private readonly waits = new Set<Waiting>()
  /** Stops the heartbeat's sleep when the last wait ends. */
  private heartbeat: AbortController | undefined

  constructor(
    private readonly log: Logger,
    private readonly report: ClusterReport,
    private readonly clock: () => number,
    /** The heartbeat's sleep, and the signal that ends it with the cluster's work; none: no heartbeat. */
    private readonly timing?: { sleep: Sleep; signal: AbortSignal }
  ) {
    this.origin = clock()
  }

  /** A line of this cluster in the live log, written now. */
  private write(line: string): void {
    this.log.info(`${this.report.name}: ${line}`)
  }

  /** Starts a phase now (a phase also starts by itself with its first line). */
  start(name: string): void {
    if (!this.open.has(name) && !this.report.phases.some(p => p.name === name)) {
      this.open.set(name, { started: this.quiet.get(name) ?? this.clock(), lines: [] })
      this.quiet.delete(name)
    }
  }

  /**
   * Begins a phase that is shown only if it says something: its time counts from now, but a phase
   * with no line (a kind with nothing to report, src/kinds/) leaves no trace.
   */
  startQuietly(name: string): void {
    if (!this.open.has(name) && !this.quiet.has(name)) this.quiet.set(name, this.clock())
  }

  /** A logger for one phase: each line goes to the log at once, and into the phase's report. */
  phase(name: string): Logger {
    const parent = this.log
    const keep = (line: string): void => {
      this.start(name)
      this.open.get(name)?.lines.push(line)
    }
    return {
      info: message => {
        keep(message)
        this.write(message)
      },
      warning: message => {
        keep(`warning: ${message}`)
        parent.warning(message)
      },
      error: message => {
        keep(`error: ${message}`)
        parent.error(message)
      },
      debug: message => parent.debug(message),
      progress: message => this.write(message),
      group: (_name, work) => work()
    }
  }

  /** Ends a phase: its start and time go into the report, one line with its time into the log. */
  finish(name: string): Promise<void> {
    this.quiet.delete(name)
    const phase = this.open.get(name)
    if (!phase) return Promise.resolve()
    this.open.delete(name)
    const seconds = tenths((this.clock() - phase.started) / 1000)
    const kept = phase.lines.slice(0, REPORT_LINES_PER_PHASE)
    if (phase.lines.length > kept.length)
      kept.push(`… and ${phase.lines.length - kept.length} more lines in the log`)
    this.report.phases.push({ name, start: tenths((phase.started - this.origin) / 1000), seconds, log: kept })
    this.write(phase.lines.length > 0 ? `${name}: done in ${seconds.toFixed(1)} s` : `${name}: nothing to do`)
    return Promise.resolve()
  }

  /** Ends every phase still open: after a failure or a cancellation, what was done is still told. */
  async finishAll(): Promise<void> {
    for (const name of [...this.open.keys()]) await this.finish(name)
  }

  /** Puts a wait on the board (WaitBoard); the heartbeat runs while the board holds one. */
  begin(wait: Waiting): () => void {
    this.waits.add(wait)
    if (this.timing && !this.heartbeat && !this.timing.signal.aborted) void this.beat(this.timing)
    return () => {
      this.waits.delete(wait)
      if (this.waits.size === 0) {
        this.heartbeat?.abort()
        this.heartbeat = undefined
      }
    }
  }

  /** Every HEARTBEAT_MS until the board is empty (or the cluster's work stops): each wait, told. */
  private async beat(timing: { sleep: Sleep; signal: AbortSignal }): Promise<void> {
    const stop = new AbortController()
    this.heartbeat = stop
    const onAbort = (): void => stop.abort()
    timing.signal.addEventListener('abort', onAbort, { once: true })
    try {
      for (;;) {
        await timing.sleep(HEARTBEAT_MS, stop.signal)
        const now = this.clock()
        for (const wait of this.waits) {
          const told = wait.tell(now)
          if (told) this.write(`${told.what}; ${formatDuration(now - told.since)} elapsed`)
        }
      }
    } catch {
      // The sleep was cut short: the last wait ended, or the cluster's work stopped.
    } finally {
      timing.signal.removeEventListener('abort', onAbort)
      if (this.heartbeat === stop) this.heartbeat = undefined
    }
  }
}

function tenths(seconds: number): number {
  return Math.round(seconds * 10) / 10
}
