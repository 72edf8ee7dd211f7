import { describe, expect, it } from '@jest/globals'
import type { StackTarget } from '../../src/stack/find.js'
import { hostsKind, type HostsFound } from '../../src/kinds/hosts.js'
import type { HostInfo } from '../../src/kinds/hosts/find.js'
import type { ResourceKind, TeardownScope } from '../../src/kinds/kind.js'
import { logGroupsKind } from '../../src/kinds/log-groups.js'
import { namespacesKind } from '../../src/kinds/namespaces.js'
import { networkInterfacesKind } from '../../src/kinds/network-interfaces.js'
import { groupNameOf, scaleInProtectionKind } from '../../src/kinds/scale-in-protection.js'
import { familyOf } from '../../src/ecs/task-definitions.js'
import { taskDefinitionsKind } from '../../src/kinds/task-definitions.js'
import { triggersKind } from '../../src/kinds/triggers/index.js'
import { startsTasksOn } from '../../src/kinds/triggers/schedules.js'
import { readSettings, type Settings } from '../../src/settings.js'

// The kinds read their inputs from the whole Settings: the defaults, with these inputs set.
const options: Settings = {
  ...readSettings(name => (name === 'cluster' ? 'c' : ''), { AWS_REGION: 'us-east-1' }),
  triggers: 'remove',
  terminateInstances: true,
  deregisterSsmInstances: false,
  deleteLogGroups: true,
  deregisterTaskDefinitions: false,
  deleteNamespace: false,
  deleteTargetGroups: false,
  deleteScalingAlarms: false,
  region: 'us-east-1'
}

const scope: TeardownScope = {
  cluster: {
    name: 'c',
    arn: 'arn:aws:ecs:us-east-1:1:cluster/c',
    status: 'ACTIVE',
    tags: {},
    capacityProviders: [],
    hasDefaultStrategy: false
  },
  services: [],
  tasks: [],
  containerInstances: [],
  taskDefinitions: [],
  wholeCluster: true
}

/** A kind's decision, as the plan asks for it. */
function decide<Found, Plan>(
  kind: ResourceKind<Found, Plan>,
  found: Found,
  settings: Settings = options,
  stack?: StackTarget
): Plan {
  return kind.decide(found, { settings, scope, ...(stack ? { stack } : {}) })
}

const host = (instanceId: string, extra: Partial<HostInfo> = {}): HostInfo => ({
  containerInstanceArn: `arn:ci/${instanceId}`,
  containerInstanceId: instanceId,
  instanceId,
  external: false,
  state: 'running',
  ...extra
})

const found = (hosts: HostInfo[], extra: Partial<HostsFound> = {}): HostsFound => ({ hosts, ...extra })

const stack: StackTarget = {
  name: 'hosts-stack',
  id: 'arn:aws:cloudformation:us-east-1:1:stack/hosts-stack/x',
  status: 'CREATE_COMPLETE',
  foundBy: 'stack-name',
  terminationProtection: false,
  ownsCluster: false,
  otherMatches: [],
  autoScalingGroups: ['hosts-asg']
}

describe('hostsKind.decide: the machines behind the container instances', () => {
  it('terminates only what nothing owns, and never what is gone already or external', () => {
    const plan = decide(
      hostsKind,
      found([
        host('i-1'),
        host('i-2', { owner: { kind: 'auto-scaling-group', name: 'other-asg' } }),
        host('i-3', { owner: { kind: 'fleet', name: 'fleet-1' } }),
        host('i-4', { state: 'terminated' }),
        host('mi-0123456789abcdef0', { external: true, state: undefined })
      ]),
      options
    )
    expect(plan.decisions.map(d => [d.host.instanceId, d.action])).toEqual([
      ['i-1', 'terminate'],
      ['i-2', 'keep'],
      ['i-3', 'keep'],
      ['i-4', 'none'],
      ['mi-0123456789abcdef0', 'keep']
    ])
    expect(hostsKind.notes(plan)).toEqual([
      expect.stringMatching(/^i-2: .*owned by Auto Scaling group other-asg/),
      expect.stringMatching(/^i-3: .*owned by EC2 fleet fleet-1/)
    ])
  })

  it('leaves an instance to the stack delete-stack deletes, by its tag or by the stack’s group', () => {
    const plan = decide(
      hostsKind,
      found([
        host('i-1', { owner: { kind: 'auto-scaling-group', name: 'hosts-asg' } }),
        host('i-2', { owner: { kind: 'stack', name: 'hosts-stack', stack: 'hosts-stack' } }),
        host('i-3', { owner: { kind: 'auto-scaling-group', name: 'x', stack: 'another-stack' } })
      ]),
      options,
      stack
    )
    expect(plan.decisions.map(d => d.action)).toEqual(['with-stack', 'with-stack', 'keep'])
    expect(plan.decisions[0]).toMatchObject({ owner: 'Auto Scaling group hosts-asg of stack hosts-stack' })
  })

  it('says the owner is unknown when EC2 could not be read, and never terminates then', () => {
    const plan = decide(hostsKind, found([host('i-1', { state: undefined })], { hostsUnread: 'denied' }))
    expect(plan.decisions[0]).toMatchObject({
      action: 'keep',
      billing: true,
      reason: expect.stringContaining('owner is unknown: denied')
    })
  })
})

const arn = (r: string) => `arn:aws:ecs:us-east-1:1:task-definition/${r}`

describe('the decisions of the log groups, task definitions, namespaces and triggers kinds', () => {
  it('keeps a log group someone else writes to, one in another Region, and all of them past the bound', () => {
    const groups = [
      { name: '/a', region: 'us-east-1', families: ['web'] },
      { name: '/b', region: 'us-east-1', families: ['web'] },
      { name: '/c', region: 'eu-west-1', families: ['web'] }
    ]
    const nobodyElse = { taskDefinitions: {}, logGroups: {}, clustersChecked: 2 }
    const plan = decide(logGroupsKind, {
      groups,
      usedElsewhere: { '/b': ['reports'] },
      familiesChecked: 3,
      others: nobodyElse
    })
    expect(plan.decisions.map(d => [d.group.name, d.delete])).toEqual([
      ['/a', true],
      ['/b', false],
      ['/c', false]
    ])
    // Written to by a revision another cluster runs, or with the other clusters unread: kept.
    const shared = decide(logGroupsKind, {
      groups,
      usedElsewhere: {},
      familiesChecked: 3,
      others: {
        ...nobodyElse,
        logGroups: { '/a': [{ revision: arn('api:7'), users: [{ cluster: 'production', service: 'api' }] }] }
      }
    })
    expect(shared.decisions[0]).toEqual({
      group: groups[0],
      delete: false,
      keepReason: 'task definition api:7 writes to it and is still used by cluster production (service api)'
    })
    expect(shared.decisions[1]!.delete).toBe(true)
    for (const others of [
      { ...nobodyElse, incomplete: 'reading the other clusters was denied' },
      undefined
    ]) {
      const unread = decide(logGroupsKind, { groups, usedElsewhere: {}, familiesChecked: 3, others })
      expect(unread.decisions.map(d => d.delete)).toEqual([false, false, false])
      expect(unread.decisions[0]!.keepReason).toMatch(/^another user cannot be ruled out: /)
    }
    const bounded = decide(logGroupsKind, {
      groups,
      usedElsewhere: {},
      familiesChecked: 0,
      tooManyFamilies: true
    })
    expect(bounded.decisions.every(d => !d.delete)).toBe(true)
  })

  it('keeps a revision another cluster uses, and every one when the others could not be read', () => {
    const arns = [arn('web:2'), arn('sidecar:4')]
    const users = {
      [arn('sidecar:4')]: [
        { cluster: 'production', service: 'api' },
        { cluster: 'staging', task: 't1 (family:sidecar)' }
      ]
    }
    const on = { ...options, deregisterTaskDefinitions: true }
    const plan = decide(
      taskDefinitionsKind,
      { arns, others: { taskDefinitions: users, logGroups: {}, clustersChecked: 2 } },
      on
    )
    expect(plan.families).toEqual([{ family: 'web', arns: [arn('web:2')] }])
    const reason =
      'still used by cluster production (service api), cluster staging (task t1 (family:sidecar))'
    expect(plan.kept).toEqual([{ arn: arn('sidecar:4'), reason }])
    expect(taskDefinitionsKind.notes(plan)).toEqual([`task definition sidecar:4 will be kept: ${reason}`])
    const unread = decide(
      taskDefinitionsKind,
      {
        arns,
        others: { taskDefinitions: {}, logGroups: {}, clustersChecked: 0, incomplete: 'the deadline passed' }
      },
      on
    )
    expect(unread.families).toEqual([])
    expect(unread.kept.map(k => k.reason)).toEqual([
      'another user cannot be ruled out: the deadline passed',
      'another user cannot be ruled out: the deadline passed'
    ])
    // Not looked at (no lookup): nothing is deregistered on a guess.
    expect(decide(taskDefinitionsKind, { arns }, on).families).toEqual([])
    // Without deregister-task-definitions nothing is decided about them.
    expect(decide(taskDefinitionsKind, { arns }).kept).toEqual([])
  })

  it('groups task definition revisions by family', () => {
    const plan = decide(taskDefinitionsKind, { arns: [arn('web:2'), arn('web:3'), arn('job:1')] })
    expect(plan.families).toEqual([
      { family: 'web', arns: [arn('web:2'), arn('web:3')] },
      { family: 'job', arns: [arn('job:1')] }
    ])
    expect(familyOf(arn('my-app:12'))).toBe('my-app')
  })

  it('deletes a namespace only with delete-namespace, and does nothing with triggers when told to keep them', () => {
    const ns = {
      ref: 'arn:aws:servicediscovery:us-east-1:1:namespace/ns-1',
      id: 'ns-1',
      usedBy: ['cluster default']
    }
    const trigger = { rule: 'r', targetIds: ['t'], taskDefinitions: [], otherTargets: 0 }
    expect(decide(namespacesKind, [ns]).decisions[0]!.delete).toBe(false)
    expect(decide(namespacesKind, [ns], { ...options, deleteNamespace: true }).decisions[0]!.delete).toBe(
      true
    )
    expect(decide(triggersKind, { rules: [trigger] }, { ...options, triggers: 'keep' }).triggers).toEqual([])
  })
})

describe('the triggers kind: schedules', () => {
  const cluster = { name: 'pr-1', arn: 'arn:aws:ecs:us-east-1:1:cluster/pr-1' }
  const universal = (input: string | undefined) => ({
    Target: { Arn: 'arn:aws:scheduler:::aws-sdk:ecs:runTask', RoleArn: 'r', Input: input }
  })

  it('reads the cluster of a universal target from its input, by name or ARN, in either case of the key', () => {
    expect(startsTasksOn(universal('{"Cluster":"pr-1","TaskDefinition":"t"}'), cluster)).toBe(true)
    expect(startsTasksOn(universal(`{"cluster":"${cluster.arn}"}`), cluster)).toBe(true)
    expect(startsTasksOn(universal('{"Cluster":"pr-10"}'), cluster)).toBe(false)
    // Without a cluster, RunTask uses the one named default.
    expect(startsTasksOn(universal('{"TaskDefinition":"t"}'), cluster)).toBe(false)
    expect(startsTasksOn(universal('{"TaskDefinition":"t"}'), { name: 'default', arn: 'x' })).toBe(true)
    expect(startsTasksOn(universal('not json'), cluster)).toBe(false)
    expect(startsTasksOn(universal(undefined), cluster)).toBe(false)
  })

  it('deletes every schedule with remove, disables only the enabled ones with disable, and says what disabling needs', () => {
    const schedules = [
      { name: 'a', group: 'default', state: 'ENABLED' as const, target: 'ecs' as const },
      { name: 'b', group: 'previews', state: 'DISABLED' as const, target: 'universal' as const }
    ]
    expect(decide(triggersKind, { schedules }).schedules.map(s => s.name)).toEqual(['a', 'b'])
    const disable = decide(triggersKind, { schedules }, { ...options, triggers: 'disable' })
    expect(disable.schedules.map(s => s.name)).toEqual(['a'])
    expect(triggersKind.notes(disable)).toEqual([
      expect.stringMatching(/^schedule default\/a .*iam:PassRole/)
    ])
    expect(triggersKind.steps(disable)).toEqual([
      {
        stage: 'before-services',
        phase: 'schedules',
        description: 'Disable 1 EventBridge Scheduler schedule that start tasks on this cluster',
        resources: ['default/a']
      }
    ])
  })
})

// What the two kinds that deal with what would hold up a stack's deletion decide, and say.

function stackOf(extra: Partial<StackTarget> = {}): StackTarget {
  return {
    name: 'S',
    id: 'arn:aws:cloudformation:us-east-1:1:stack/S/x',
    status: 'CREATE_COMPLETE',
    foundBy: 'tag',
    terminationProtection: false,
    ownsCluster: true,
    otherMatches: [],
    ...extra
  }
}

describe('scale-in protection', () => {
  const groups = [
    { name: 'owned', protectsNew: true, instances: ['i-1', 'i-2'] },
    { name: 'other', protectsNew: false, instances: ['i-3'] }
  ]

  it('clears the protection of the groups the stack deletes, right before DeleteStack, and reports the rest', () => {
    const plan = scaleInProtectionKind.decide(
      { groups },
      { settings: options, scope, stack: stackOf({ autoScalingGroups: ['owned'] }) }
    )
    expect(plan.clear.map(g => g.name)).toEqual(['owned'])
    expect(plan.keep.map(g => g.name)).toEqual(['other'])
    expect(scaleInProtectionKind.steps(plan)).toEqual([
      expect.objectContaining({ stage: 'before-stack', resources: ['i-1', 'i-2'] })
    ])
    expect(scaleInProtectionKind.notes(plan)).toEqual([
      expect.stringContaining(
        'aws autoscaling set-instance-protection --auto-scaling-group-name other --no-protected-from-scale-in --instance-ids i-3'
      )
    ])
    // The group that protects new instances is told to stop doing so when it is scaled to 0.
    expect(
      scaleInProtectionKind.notes(scaleInProtectionKind.decide({ groups }, { settings: options, scope }))[0]
    ).toContain('--no-new-instances-protected-from-scale-in')
  })

  it('without delete-stack, clears nothing', () => {
    const plan = scaleInProtectionKind.decide({ groups }, { settings: options, scope })
    expect(plan.clear).toEqual([])
    expect(scaleInProtectionKind.steps(plan)).toEqual([])
    expect(plan.keep).toHaveLength(2)
  })

  it('names a group from a capacity provider’s Auto Scaling group ARN', () => {
    expect(
      groupNameOf(
        'arn:aws:autoscaling:us-east-1:1:autoScalingGroup:5eed-0000:autoScalingGroupName/cdk-Asg-1A2B'
      )
    ).toBe('cdk-Asg-1A2B')
    expect(groupNameOf(undefined)).toBeUndefined()
  })
})

describe('network interfaces', () => {
  const found = { ids: ['eni-1', 'eni-2'] }

  it('waits for them only when the stack deleted owns a security group, subnet or VPC', () => {
    const owning = networkInterfacesKind.decide(found, {
      settings: options,
      scope,
      stack: stackOf({ networkResources: ['sg-1'] })
    })
    expect(owning.wait).toEqual(['eni-1', 'eni-2'])
    expect(networkInterfacesKind.steps(owning)).toEqual([
      expect.objectContaining({ stage: 'before-stack', resources: ['eni-1', 'eni-2'] })
    ])
    expect(
      networkInterfacesKind.decide(found, {
        settings: options,
        scope,
        stack: stackOf({ networkResources: [] })
      }).wait
    ).toEqual([])
    expect(networkInterfacesKind.decide(found, { settings: options, scope }).wait).toEqual([])
  })
})
