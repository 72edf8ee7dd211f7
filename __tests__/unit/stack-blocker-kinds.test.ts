import { describe, expect, it } from '@jest/globals'
import type { StackTarget } from '../../src/find-stack.js'
import type { TeardownScope } from '../../src/kinds/kind.js'
import { networkInterfacesKind } from '../../src/kinds/network-interfaces.js'
import { groupNameOf, scaleInProtectionKind } from '../../src/kinds/scale-in-protection.js'
import { readSettings } from '../../src/settings.js'

// What the two kinds that deal with what would hold up a stack's deletion decide, and say.

const settings = readSettings(name => (name === 'cluster' ? 'c' : ''), { AWS_REGION: 'us-east-1' })
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

function stack(extra: Partial<StackTarget> = {}): StackTarget {
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
      { settings, scope, stack: stack({ autoScalingGroups: ['owned'] }) }
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
      scaleInProtectionKind.notes(scaleInProtectionKind.decide({ groups }, { settings, scope }))[0]
    ).toContain('--no-new-instances-protected-from-scale-in')
  })

  it('without delete-stack, clears nothing', () => {
    const plan = scaleInProtectionKind.decide({ groups }, { settings, scope })
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
      settings,
      scope,
      stack: stack({ networkResources: ['sg-1'] })
    })
    expect(owning.wait).toEqual(['eni-1', 'eni-2'])
    expect(networkInterfacesKind.steps(owning)).toEqual([
      expect.objectContaining({ stage: 'before-stack', resources: ['eni-1', 'eni-2'] })
    ])
    expect(
      networkInterfacesKind.decide(found, { settings, scope, stack: stack({ networkResources: [] }) }).wait
    ).toEqual([])
    expect(networkInterfacesKind.decide(found, { settings, scope }).wait).toEqual([])
  })
})
