import { describe, expect, it } from '@jest/globals'
import { readSettings } from '../../src/settings.js'
import { inputErrorOf } from '../support/input-error.js'

const read = (inputs: Record<string, string>, env: NodeJS.ProcessEnv = { AWS_REGION: 'eu-west-1' }) =>
  readSettings(name => inputs[name] ?? '', env)

const failure = (inputs: Record<string, string>, env?: NodeJS.ProcessEnv): string =>
  inputErrorOf(() => read(inputs, env))

describe('readSettings', () => {
  it('applies the documented defaults', () => {
    expect(read({ cluster: 'preview-1' })).toEqual({
      clusters: ['preview-1'],
      patterns: [],
      exclude: [],
      requireTags: [],
      maxClusters: 10,
      region: 'eu-west-1',
      force: false,
      timeoutMs: 30 * 60_000,
      drainTimeoutMs: 10 * 60_000,
      pollIntervalMs: 5_000,
      maxConcurrency: 10,
      dryRun: false,
      deleteStack: false,
      triggers: 'remove',
      terminateInstances: false,
      deregisterSsmInstances: false,
      deleteLogGroups: false,
      deregisterTaskDefinitions: false,
      deleteNamespace: false,
      deleteTargetGroups: false,
      deleteScalingAlarms: false
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
  })

  it('reads the options for what is around the cluster, naming the input on a bad value', () => {
    const s = read({
      cluster: 'c',
      triggers: 'Disable',
      'terminate-instances': 'true',
      'deregister-ssm-instances': 'true',
      'delete-log-groups': 'true',
      'deregister-task-definitions': 'true',
      'delete-namespace': 'true',
      'delete-target-groups': 'true',
      'delete-scaling-alarms': 'TRUE'
    })
    expect(s).toMatchObject({
      triggers: 'disable',
      terminateInstances: true,
      deregisterSsmInstances: true,
      deleteLogGroups: true,
      deregisterTaskDefinitions: true,
      deleteNamespace: true,
      deleteTargetGroups: true,
      deleteScalingAlarms: true
    })
    expect(read({ cluster: 'c', triggers: 'keep' }).triggers).toBe('keep')
    expect(failure({ cluster: 'c', triggers: 'delete' })).toMatch(
      /^Input 'triggers' has 'delete'; use remove/
    )
    expect(failure({ cluster: 'c', 'terminate-instances': 'yes' })).toMatch(/^Input 'terminate-instances'/)
    expect(failure({ cluster: 'c', 'delete-target-groups': 'yes' })).toMatch(
      /^Input 'delete-target-groups' .*true or false/
    )
    expect(failure({ cluster: 'c', 'delete-scaling-alarms': '1' })).toMatch(/^Input 'delete-scaling-alarms'/)
  })

  it('keeps the drain deadline under the run deadline by default', () => {
    const s = read({ cluster: 'c', 'timeout-minutes': '8' })
    expect(s.drainTimeoutMs).toBe(4 * 60_000)
    expect(read({ cluster: 'c', 'drain-timeout-minutes': '0.5' }).drainTimeoutMs).toBe(30_000)
    expect(read({ cluster: 'c', force: 'TRUE' }).force).toBe(true)
  })
})

describe('readSettings: many clusters', () => {
  it('splits names, ARNs and patterns on newlines and commas, without duplicates', () => {
    const s = read({ cluster: 'a, b\npreview-*\n\nb,pr-??', 'require-tags': 'env=preview' })
    expect(s.clusters).toEqual(['a', 'b'])
    expect(s.patterns).toEqual(['preview-*', 'pr-??'])
    expect(s.requireTags).toEqual([{ key: 'env', value: 'preview' }])
  })

  it('refuses a bare * without require-tags, and a named cluster that exclude also matches', () => {
    expect(failure({ cluster: '*' })).toMatch(/^Input 'cluster' has the pattern '\*'.*require-tags/)
    expect(read({ cluster: '*', 'require-tags': 'env=preview' }).patterns).toEqual(['*'])
    expect(failure({ cluster: 'prod-main', exclude: 'prod-*' })).toMatch(
      /^Input 'cluster' names prod-main, which 'exclude' \(prod-\*\) also matches/
    )
  })

  it('reads older-than, max-clusters and require-tags, naming the input on a bad value', () => {
    expect(read({ cluster: 'p-*', 'older-than': '12h' }).olderThanMs).toBe(12 * 3_600_000)
    expect(read({ cluster: 'p-*', 'older-than': '3d' }).olderThanMs).toBe(3 * 86_400_000)
    expect(failure({ cluster: 'p-*', 'older-than': '3 days' })).toMatch(/^Input 'older-than' has '3 days'/)
    expect(failure({ cluster: 'p-*', 'max-clusters': '0' })).toMatch(/^Input 'max-clusters' has '0'/)
    expect(failure({ cluster: 'p-*', 'require-tags': 'env' })).toMatch(/^Input 'require-tags' has 'env'/)
    expect(
      failure(
        {
          cluster: 'arn:aws:ecs:us-east-1:123456789012:cluster/a,arn:aws:ecs:eu-west-1:123456789012:cluster/b'
        },
        {}
      )
    ).toMatch(/ARNs in us-east-1 and eu-west-1/)
  })

  it('matches glob patterns against whole names only', async () => {
    const { globToRegExp } = await import('../../src/settings.js')
    expect(globToRegExp('preview-*').test('preview-42')).toBe(true)
    expect(globToRegExp('preview-*').test('x-preview-42')).toBe(false)
    expect(globToRegExp('pr-??').test('pr-7')).toBe(false)
    expect(globToRegExp('a.b').test('axb')).toBe(false)
  })
})

describe('readSettings: services of one shared cluster', () => {
  const ARN = 'arn:aws:ecs:us-east-1:123456789012:service/shared-ci/pr-42-web'

  it('reads names, ARNs and patterns of services in the one named cluster', () => {
    const s = read({ cluster: 'shared-ci', services: `pr-42-web, ${ARN}\npr-42-*` }, {})
    expect(s.services).toEqual({ names: ['pr-42-web', ARN], patterns: ['pr-42-*'] })
    expect(s.clusters).toEqual(['shared-ci'])
    // The region comes from the service ARN when nothing else gives it.
    expect(s.region).toBe('us-east-1')
    expect(read({ cluster: 'shared-ci' }).services).toBeUndefined()
    // The old ARN format, without the cluster, is a service ARN too.
    expect(
      read({ cluster: 'shared-ci', services: 'arn:aws:ecs:eu-west-1:123456789012:service/web' }).services
        ?.names
    ).toEqual(['arn:aws:ecs:eu-west-1:123456789012:service/web'])
  })

  it('needs exactly one cluster, named, and services of that cluster', () => {
    expect(failure({ cluster: 'a,b', services: 'web' })).toMatch(
      /^Input 'services' needs exactly one cluster in 'cluster'.*but it has a, b/
    )
    expect(failure({ cluster: 'shared-*', services: 'web', 'require-tags': 'a=b' })).toMatch(
      /^Input 'services' needs exactly one cluster/
    )
    expect(failure({ cluster: 'other', services: ARN })).toMatch(
      /^Input 'services' has .*a service of cluster shared-ci, but 'cluster' is other/
    )
    expect(failure({ cluster: 'shared-ci', services: 'web app' })).toMatch(
      /^Input 'services' has 'web app', which is neither a service name/
    )
    expect(failure({ cluster: 'shared-ci', services: ARN, region: 'eu-west-1' })).toMatch(
      /^Input 'cluster' or 'services' has an ARN in us-east-1 but the region is eu-west-1/
    )
  })

  it('applies exclude and require-tags to the services: a bare * needs tags, a named one must not be excluded', () => {
    expect(failure({ cluster: 'shared-ci', services: '*' })).toMatch(
      /^Input 'services' has the pattern '\*', which matches every service in the cluster: add 'require-tags'/
    )
    expect(read({ cluster: 'shared-ci', services: '*', 'require-tags': 'pr=42' }).services?.patterns).toEqual(
      ['*']
    )
    expect(failure({ cluster: 'shared-ci', services: 'pr-42-db', exclude: '*-db' })).toMatch(
      /^Input 'services' names pr-42-db, which 'exclude' \(\*-db\) also matches/
    )
    // The cluster itself is not matched against exclude: it is named, and kept.
    expect(read({ cluster: 'shared-ci', services: 'pr-42-*', exclude: 'shared-*' }).exclude).toEqual([
      'shared-*'
    ])
    expect(failure({ cluster: 'shared-ci', services: 'pr-*', exclude: 'a b' })).toMatch(
      /^Input 'exclude' has 'a b'; give service names or patterns/
    )
  })
})

describe('pr-comment and github-token', () => {
  it('is off by default and then does not keep the token', () => {
    expect(read({ cluster: 'c', 'github-token': 'ghs_secret' }).prComment).toBeUndefined()
    expect(
      read({ cluster: 'c', 'pr-comment': 'false', 'github-token': 'ghs_secret' }).prComment
    ).toBeUndefined()
  })

  it('keeps the token when a comment is asked for', () => {
    expect(read({ cluster: 'c', 'pr-comment': 'true', 'github-token': ' ghs_secret ' }).prComment).toEqual({
      token: 'ghs_secret'
    })
  })

  it('refuses a value that is not true or false, and a comment without a token, in one line naming the fix', () => {
    expect(failure({ cluster: 'c', 'pr-comment': 'yes' })).toBe(
      "Input 'pr-comment' has 'yes'; use true (comment on the pull request) or false (the default)."
    )
    for (const token of ['', '  ', '${{ github.token }}']) {
      expect(failure({ cluster: 'c', 'pr-comment': 'true', 'github-token': token })).toMatch(
        /^Input 'github-token' has no token but 'pr-comment' is true: leave github-token at its default/
      )
    }
  })
})
