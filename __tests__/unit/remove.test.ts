import { describe, expect, it } from '@jest/globals'
import { removeWithRetry } from '../../src/aws/remove.js'
import { DeadlineError } from '../../src/util/errors.js'
import { VirtualTime } from '../sim/virtual-time.js'

/** An error as the AWS SDK throws it: its `name` is AWS's error code. */
const awsError = (name: string, message: string): Error => Object.assign(new Error(message), { name })

const poll = (time: VirtualTime) => ({
  clock: time.clock,
  sleep: time.sleep,
  signal: new AbortController().signal
})

describe('removeWithRetry', () => {
  it('returns the answer of a call AWS accepts at once, with one call', async () => {
    const time = new VirtualTime()
    let calls = 0
    const removed = await removeWithRetry(poll(time), {
      what: 'target group web',
      deadline: time.clock() + 60_000,
      call: async () => ++calls
    })
    expect(removed).toEqual({ outcome: 'removed', value: 1 })
    expect(calls).toBe(1)
  })

  it('takes "not found" for done, matching the message where one name covers several causes', async () => {
    const time = new VirtualTime()
    const deregister = (answer: string) =>
      removeWithRetry(poll(time), {
        what: 'container instance i-1',
        deadline: time.clock() + 60_000,
        gone: [{ codes: ['ClientException'], message: /not found/i }],
        call: async () => {
          throw awsError('ClientException', answer)
        }
      })
    await expect(deregister('The referenced container instance was not found.')).resolves.toEqual({
      outcome: 'gone',
      code: 'ClientException'
    })
    // The same name with another message is not "gone": the caller gets it.
    await expect(deregister('The container instance has tasks running.')).rejects.toThrow(
      'The container instance has tasks running.'
    )
  })

  it('tries a "not yet" refusal again with backoff until AWS accepts', async () => {
    const time = new VirtualTime()
    const at: number[] = []
    const removed = await removeWithRetry(poll(time), {
      what: 'target group web',
      deadline: time.clock() + 60_000,
      minDelayMs: 1_000,
      maxDelayMs: 4_000,
      notYet: [{ codes: ['ResourceInUse', 'ResourceInUseException'] }],
      call: async () => {
        at.push(time.clock())
        if (at.length < 4)
          throw awsError('ResourceInUse', 'Target group is currently in use by a listener or a rule')
        return 'ok'
      }
    })
    expect(removed).toEqual({ outcome: 'removed', value: 'ok' })
    expect(at.slice(1).map((t, i) => t - at[i]!)).toEqual([1_000, 2_000, 4_000])
  })

  it('fails at the deadline naming AWS’s last refusal', async () => {
    const time = new VirtualTime()
    const refusal = removeWithRetry(poll(time), {
      what: 'cluster preview',
      deadline: time.clock() + 10_000,
      notYet: [{ codes: ['ClusterContainsTasksException'] }],
      onDeadline: reason => `AWS still refused to delete the cluster at the deadline: ${reason}`,
      call: async () => {
        throw awsError(
          'ClusterContainsTasksException',
          'The Cluster cannot be deleted while Tasks are active.'
        )
      }
    })
    await expect(refusal).rejects.toThrow(DeadlineError)
    await expect(refusal).rejects.toThrow(
      'AWS still refused to delete the cluster at the deadline: The Cluster cannot be deleted while Tasks are active.'
    )
  })

  it('awaits onNotYet before each next try, and tells the wait on the live log as asked', async () => {
    const time = new VirtualTime()
    const events: string[] = []
    const told: string[] = []
    const waits = {
      begin: (wait: { tell(now: number): { what: string } | undefined }) => {
        told.push(wait.tell(time.clock())?.what ?? '')
        return () => undefined
      }
    }
    let calls = 0
    const removed = await removeWithRetry(
      { ...poll(time), waits },
      {
        what: 'container instance i-1',
        waitingFor: 'container instance i-1 to be deregistered',
        deadline: time.clock() + 60_000,
        notYet: [{ codes: ['InvalidParameterException'], message: /task/i }],
        onNotYet: async reason => {
          events.push(`not yet: ${reason}`)
          await time.sleep(500, new AbortController().signal)
          events.push('ready')
        },
        call: async () => {
          events.push(`call ${++calls}`)
          if (calls < 2) throw awsError('InvalidParameterException', 'The instance has a task running.')
          return 'deregistered'
        }
      }
    )
    expect(removed).toEqual({ outcome: 'removed', value: 'deregistered' })
    expect(events).toEqual(['call 1', 'not yet: The instance has a task running.', 'ready', 'call 2'])
    // The board is told when the wait begins, before its first refusal is known.
    expect(told).toEqual(['Waiting for container instance i-1 to be deregistered'])
  })

  it('tells a wait by AWS’s refusal alone when waitingFor is false', async () => {
    const time = new VirtualTime()
    const seen: { tell(now: number): { what: string } | undefined }[] = []
    let calls = 0
    await removeWithRetry(
      { ...poll(time), waits: { begin: wait => (seen.push(wait), () => undefined) } },
      {
        what: 'capacity providers',
        waitingFor: false,
        deadline: time.clock() + 60_000,
        notYet: [{ codes: ['UpdateInProgressException'] }],
        call: async () => {
          if (++calls < 2) throw awsError('UpdateInProgressException', 'An update is in progress.')
        }
      }
    )
    expect(seen.map(w => w.tell(time.clock())?.what)).toEqual(['Waiting: An update is in progress.'])
  })
})
