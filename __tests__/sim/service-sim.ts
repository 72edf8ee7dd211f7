import type { SendPort } from '../../src/aws/call.js'
import { CancelledError } from '../../src/util/errors.js'
import { ACCOUNT, type EcsSim } from './ecs-sim.js'

/** An SDK service exception class: each client has one, and errors are built with it and a name. */
type ServiceExceptionClass = new (opts: {
  name: string
  $fault: 'client' | 'server'
  message: string
  $metadata: { httpStatusCode?: number }
}) => Error

/**
 * What the simulators of the services around ECS share: one `send` that dispatches to `op<Name>`,
 * the record of calls, access denial, a hook for events during a run, and the EcsSim's virtual
 * time (so every simulator of a scenario lives on one clock).
 */
export abstract class ServiceSim {
  readonly calls: { operation: string; at: number; input: Record<string, unknown>; error?: string }[] = []
  /** Operations answered with the service's access-denied error. */
  readonly denied = new Set<string>()
  /** Runs before each call is answered: a scenario's hook for events during a run. */
  beforeCall?: (operation: string, input: Record<string, unknown>) => void
  /** Pass this to the code under test as the service's client. */
  readonly client: SendPort

  constructor(
    readonly ecs: EcsSim,
    private readonly service: { name: string; iamPrefix: string; exception: ServiceExceptionClass },
    private readonly mutating: ReadonlySet<string>,
    private readonly latencyMs = 0
  ) {
    this.client = {
      send: (command: object, opts?: { abortSignal?: AbortSignal }) => this.send(command, opts)
    }
  }

  get now(): number {
    return this.ecs.time.clock()
  }

  get region(): string {
    return this.ecs.options.region
  }

  countCalls(operation?: string): number {
    return operation
      ? this.calls.filter(c => c.operation === operation && !c.error).length
      : this.calls.length
  }

  mutatingCalls(): string[] {
    return this.calls.filter(c => this.mutating.has(c.operation)).map(c => c.operation)
  }

  /** An error exactly as the service's SDK client hands it over: its exception class, with a name. */
  error(name: string, message: string, status = 400): Error {
    const error = new this.service.exception({
      name,
      $fault: 'client',
      message,
      $metadata: { httpStatusCode: status }
    })
    return Object.assign(error, { Code: name })
  }

  /** Runs before every call is answered, after the hook: a model's lazy time-driven changes. */
  protected settle(): void {}

  protected deniedName(): string {
    return 'AccessDeniedException'
  }

  async send(command: object, opts?: { abortSignal?: AbortSignal }): Promise<unknown> {
    const operation = command.constructor.name.replace(/Command$/, '')
    const input = ((command as { input?: unknown }).input ?? {}) as Record<string, unknown>
    if (opts?.abortSignal?.aborted) throw new CancelledError()
    if (this.latencyMs > 0) await this.ecs.time.sleep(this.latencyMs, opts?.abortSignal)
    const record: (typeof this.calls)[number] = { operation, at: this.now, input }
    this.calls.push(record)
    try {
      this.beforeCall?.(operation, input)
      if (this.denied.has(operation)) {
        throw this.error(
          this.deniedName(),
          `User: arn:aws:sts::${ACCOUNT}:assumed-role/teardown/session is not authorized to perform: ${this.service.iamPrefix}:${operation} because no identity-based policy allows the ${this.service.iamPrefix}:${operation} action`,
          403
        )
      }
      this.settle()
      const handler = (this as unknown as Record<string, (i: Record<string, unknown>) => unknown>)[
        `op${operation}`
      ]
      if (!handler) throw new Error(`the ${this.service.name} simulator does not model ${operation}`)
      return structuredClone(handler.call(this, input))
    } catch (error) {
      record.error = (error as Error).name
      throw error
    }
  }

  /**
   * One page of `items` (already in a stable order) after the cursor in `nextToken`. The token is
   * opaque and tied to `kind`: a token from another list is refused with `invalidToken`.
   */
  protected page<T>(
    items: T[],
    key: (item: T) => string,
    nextToken: unknown,
    size: number,
    kind: string,
    invalidToken: () => Error
  ): { items: T[]; nextToken?: string } {
    let start = 0
    if (nextToken !== undefined && nextToken !== null) {
      let cursor: { kind?: string; after?: string }
      try {
        cursor = JSON.parse(Buffer.from(String(nextToken), 'base64url').toString()) as typeof cursor
      } catch {
        throw invalidToken()
      }
      if (cursor?.kind !== kind || typeof cursor.after !== 'string') throw invalidToken()
      const i = items.findIndex(x => key(x) > cursor.after!)
      start = i < 0 ? items.length : i
    }
    const pageItems = items.slice(start, start + size)
    const last = pageItems[pageItems.length - 1]
    return {
      items: pageItems,
      nextToken:
        start + size < items.length && last !== undefined
          ? Buffer.from(JSON.stringify({ kind, after: key(last) })).toString('base64url')
          : undefined
    }
  }
}
