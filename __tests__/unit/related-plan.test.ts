import { describe, expect, it } from '@jest/globals'
import type { HostInfo } from '../../src/related/hosts.js'
import type { RelatedInventory } from '../../src/related/inventory.js'
import { familyOf, planRelated, type RelatedPlanOptions } from '../../src/related/plan.js'
import type { StackTarget } from '../../src/stack.js'

const options: RelatedPlanOptions = {
  triggers: 'remove',
  terminateInstances: true,
  deregisterSsmInstances: false,
  deregisterTaskDefinitions: false,
  deleteNamespace: false,
  region: 'us-east-1'
}

const host = (instanceId: string, extra: Partial<HostInfo> = {}): HostInfo => ({
  containerInstanceArn: `arn:ci/${instanceId}`,
  containerInstanceId: instanceId,
  instanceId,
  external: false,
  state: 'running',
  ...extra
})

const related = (hosts: HostInfo[], extra: Partial<RelatedInventory> = {}): RelatedInventory => ({
  hosts,
  taskDefinitions: [],
  namespaces: [],
  ...extra
})

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

describe('planRelated: the machines behind the container instances', () => {
  it('terminates only what nothing owns, and never what is gone already or external', () => {
    const plan = planRelated(
      related([
        host('i-1'),
        host('i-2', { owner: { kind: 'auto-scaling-group', name: 'other-asg' } }),
        host('i-3', { owner: { kind: 'fleet', name: 'fleet-1' } }),
        host('i-4', { state: 'terminated' }),
        host('mi-0123456789abcdef0', { external: true, state: undefined })
      ]),
      options
    )
    expect(plan.hosts.map(d => [d.host.instanceId, d.action])).toEqual([
      ['i-1', 'terminate'],
      ['i-2', 'keep'],
      ['i-3', 'keep'],
      ['i-4', 'none'],
      ['mi-0123456789abcdef0', 'keep']
    ])
    expect(plan.notes).toEqual([
      expect.stringMatching(/^i-2: .*owned by Auto Scaling group other-asg/),
      expect.stringMatching(/^i-3: .*owned by EC2 fleet fleet-1/)
    ])
  })

  it('leaves an instance to the stack delete-stack deletes, by its tag or by the stack’s group', () => {
    const plan = planRelated(
      related([
        host('i-1', { owner: { kind: 'auto-scaling-group', name: 'hosts-asg' } }),
        host('i-2', { owner: { kind: 'stack', name: 'hosts-stack', stack: 'hosts-stack' } }),
        host('i-3', { owner: { kind: 'auto-scaling-group', name: 'x', stack: 'another-stack' } })
      ]),
      options,
      stack
    )
    expect(plan.hosts.map(d => d.action)).toEqual(['with-stack', 'with-stack', 'keep'])
    expect(plan.hosts[0]).toMatchObject({ owner: 'Auto Scaling group hosts-asg of stack hosts-stack' })
  })

  it('says the owner is unknown when EC2 could not be read, and never terminates then', () => {
    const plan = planRelated(related([host('i-1', { state: undefined })], { hostsUnread: 'denied' }), options)
    expect(plan.hosts[0]).toMatchObject({
      action: 'keep',
      billing: true,
      reason: expect.stringContaining('owner is unknown: denied')
    })
  })
})

const arn = (r: string) => `arn:aws:ecs:us-east-1:1:task-definition/${r}`

describe('planRelated: log groups, task definitions, namespaces', () => {
  it('keeps a log group someone else writes to, one in another Region, and all of them past the bound', () => {
    const groups = [
      { name: '/a', region: 'us-east-1', families: ['web'] },
      { name: '/b', region: 'us-east-1', families: ['web'] },
      { name: '/c', region: 'eu-west-1', families: ['web'] }
    ]
    const nobodyElse = { taskDefinitions: {}, logGroups: {}, clustersChecked: 2 }
    const plan = planRelated(
      related([], {
        logGroups: { groups, usedElsewhere: { '/b': ['reports'] }, familiesChecked: 3 },
        otherUsers: nobodyElse
      }),
      options
    )
    expect(plan.logGroups.map(d => [d.group.name, d.delete])).toEqual([
      ['/a', true],
      ['/b', false],
      ['/c', false]
    ])
    // Written to by a revision another cluster runs, or with the other clusters unread: kept.
    const shared = planRelated(
      related([], {
        logGroups: { groups, usedElsewhere: {}, familiesChecked: 3 },
        otherUsers: {
          ...nobodyElse,
          logGroups: {
            '/a': [{ revision: arn('api:7'), users: [{ cluster: 'production', service: 'api' }] }]
          }
        }
      }),
      options
    )
    expect(shared.logGroups[0]).toEqual({
      group: groups[0],
      delete: false,
      keepReason: 'task definition api:7 writes to it and is still used by cluster production (service api)'
    })
    expect(shared.logGroups[1]!.delete).toBe(true)
    const unread = planRelated(
      related([], {
        logGroups: { groups, usedElsewhere: {}, familiesChecked: 3 },
        otherUsers: { ...nobodyElse, incomplete: 'reading the other clusters was denied' }
      }),
      options
    )
    expect(unread.logGroups.map(d => d.keepReason)).toEqual([
      'another user cannot be ruled out: reading the other clusters was denied',
      'another user cannot be ruled out: reading the other clusters was denied',
      expect.stringMatching(/in eu-west-1/)
    ])
    const bounded = planRelated(
      related([], { logGroups: { groups, usedElsewhere: {}, familiesChecked: 0, tooManyFamilies: true } }),
      options
    )
    expect(bounded.logGroups.every(d => !d.delete)).toBe(true)
  })

  it('keeps a revision another cluster uses, and every one when the others could not be read', () => {
    const revisions = [arn('web:2'), arn('sidecar:4')]
    const users = {
      [arn('sidecar:4')]: [
        { cluster: 'production', service: 'api' },
        { cluster: 'staging', task: 't1 (family:sidecar)' }
      ]
    }
    const on = { ...options, deregisterTaskDefinitions: true }
    const plan = planRelated(
      related([], {
        taskDefinitions: revisions,
        otherUsers: { taskDefinitions: users, logGroups: {}, clustersChecked: 2 }
      }),
      on
    )
    expect(plan.taskDefinitions).toEqual([{ family: 'web', arns: [arn('web:2')] }])
    expect(plan.keptTaskDefinitions).toEqual([
      {
        arn: arn('sidecar:4'),
        reason: 'still used by cluster production (service api), cluster staging (task t1 (family:sidecar))'
      }
    ])
    expect(plan.notes).toContain(
      'task definition sidecar:4 will be kept: still used by cluster production (service api), cluster staging (task t1 (family:sidecar))'
    )
    const unread = planRelated(
      related([], {
        taskDefinitions: revisions,
        otherUsers: {
          taskDefinitions: {},
          logGroups: {},
          clustersChecked: 0,
          incomplete: 'the deadline passed'
        }
      }),
      on
    )
    expect(unread.taskDefinitions).toEqual([])
    expect(unread.keptTaskDefinitions.map(k => k.reason)).toEqual([
      'another user cannot be ruled out: the deadline passed',
      'another user cannot be ruled out: the deadline passed'
    ])
    // Without deregister-task-definitions nothing is decided about them.
    expect(planRelated(related([], { taskDefinitions: revisions }), options).keptTaskDefinitions).toEqual([])
  })

  it('groups task definition revisions by family', () => {
    const plan = planRelated(
      related([], { taskDefinitions: [arn('web:2'), arn('web:3'), arn('job:1')] }),
      options
    )
    expect(plan.taskDefinitions).toEqual([
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
    expect(planRelated(related([], { namespaces: [ns] }), options).namespaces[0]!.delete).toBe(false)
    expect(
      planRelated(related([], { namespaces: [ns] }), { ...options, deleteNamespace: true }).namespaces[0]!
        .delete
    ).toBe(true)
    expect(
      planRelated(related([], { triggers: [trigger] }), { ...options, triggers: 'keep' }).triggers
    ).toEqual([])
  })
})
