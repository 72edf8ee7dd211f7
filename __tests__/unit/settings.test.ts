import { describe, expect, it } from '@jest/globals'
import { readSettings } from '../../src/settings.js'
import { InputError } from '../../src/util/errors.js'

const read = (inputs: Record<string, string>, env: NodeJS.ProcessEnv = { AWS_REGION: 'eu-west-1' }) =>
  readSettings(name => inputs[name] ?? '', env)

const failure = (inputs: Record<string, string>, env?: NodeJS.ProcessEnv): string => {
  try {
    read(inputs, env)
  } catch (error) {
    expect(error).toBeInstanceOf(InputError)
    const message = (error as Error).message
    expect(message).not.toContain('\n')
    return message
  }
  throw new Error('expected an InputError')
}

describe('readSettings', () => {
  it('applies the documented defaults', () => {
    expect(read({ cluster: 'preview-1' })).toEqual({
      clusters: ['preview-1'],
      region: 'eu-west-1',
      force: false,
      timeoutMs: 30 * 60_000,
      drainTimeoutMs: 10 * 60_000,
      pollIntervalMs: 5_000,
      maxConcurrency: 10,
      dryRun: false,
      deleteStack: false
    })
  })

  it('takes the region from the input, then AWS_REGION, then AWS_DEFAULT_REGION, then the ARN', () => {
    expect(read({ cluster: 'c', region: 'us-west-2' }).region).toBe('us-west-2')
    expect(read({ cluster: 'c' }, { AWS_DEFAULT_REGION: 'ap-south-1' }).region).toBe('ap-south-1')
    expect(read({ cluster: 'arn:aws:ecs:cn-north-1:123456789012:cluster/c' }, {}).region).toBe('cn-north-1')
    expect(failure({ cluster: 'c' }, {})).toMatch(/^Input 'region' is not set/)
  })

  it('refuses a region that contradicts the cluster ARN', () => {
    expect(failure({ cluster: 'arn:aws:ecs:us-east-1:123456789012:cluster/c', region: 'eu-west-1' })).toMatch(
      /ARN in us-east-1/
    )
  })

  it('names the input and the fix for each bad value', () => {
    expect(failure({})).toMatch(/^Input 'cluster' is required/)
    expect(failure({ cluster: 'bad name!' })).toMatch(/^Input 'cluster' has 'bad name!'/)
    expect(failure({ cluster: 'c', force: 'yes' })).toMatch(/^Input 'force' .*true or false/)
    expect(failure({ cluster: 'c', 'timeout-minutes': 'abc' })).toMatch(/^Input 'timeout-minutes' has 'abc'/)
    expect(failure({ cluster: 'c', 'timeout-minutes': '0' })).toMatch(/^Input 'timeout-minutes' is 0/)
    expect(failure({ cluster: 'c', 'timeout-minutes': '10', 'drain-timeout-minutes': '10' })).toMatch(
      /^Input 'drain-timeout-minutes' \(10\) must be less than 'timeout-minutes'/
    )
    expect(failure({ cluster: 'c', region: 'Mars' })).toMatch(/^Input 'region' has 'Mars'/)
    expect(failure({ cluster: 'a,b' })).toMatch(/^Input 'cluster' names 2 clusters/)
  })

  it('keeps the drain deadline under the run deadline by default', () => {
    const s = read({ cluster: 'c', 'timeout-minutes': '8' })
    expect(s.drainTimeoutMs).toBe(4 * 60_000)
    expect(read({ cluster: 'c', 'drain-timeout-minutes': '0.5' }).drainTimeoutMs).toBe(30_000)
    expect(read({ cluster: 'c', force: 'TRUE' }).force).toBe(true)
  })
})
