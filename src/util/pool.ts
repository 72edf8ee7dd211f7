/**
 * A bound on AWS calls in flight, shared by a whole run, so that parallel phases (and, for a sweep,
 * parallel clusters) never flood the account's API rate buckets together.
 */
export class Pool {
  private active = 0
  private readonly waiting: Array<() => void> = []
  /** The most calls that were ever in flight at once; the benchmark reports it. */
  peak = 0

  constructor(readonly limit: number) {
    if (!Number.isInteger(limit) || limit < 1)
      throw new Error(`pool limit must be a positive integer, got ${limit}`)
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    await this.acquire()
    try {
      return await task()
    } finally {
      this.release()
    }
  }

  private acquire(): Promise<void> {
    if (this.active < this.limit) {
      this.active++
      this.peak = Math.max(this.peak, this.active)
      return Promise.resolve()
    }
    return new Promise(resolve =>
      this.waiting.push(() => {
        this.active++
        this.peak = Math.max(this.peak, this.active)
        resolve()
      })
    )
  }

  private release(): void {
    this.active--
    this.waiting.shift()?.()
  }
}

export function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = []
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size))
  return out
}
