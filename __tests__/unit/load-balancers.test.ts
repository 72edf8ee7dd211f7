import { describe, expect, it } from '@jest/globals'
import { decideLoadBalancers, withOtherUsers } from '../../src/kinds/load-balancers/decide.js'
import { drainDelays } from '../../src/kinds/load-balancers/drain.js'
import {
  listenerOfRule,
  type ListenerRuleInfo,
  type LoadBalancersFound
} from '../../src/kinds/load-balancers/model.js'
import { forwardTargets } from '../../src/kinds/load-balancers/rules.js'
import { serviceTargetGroups } from '../../src/kinds/load-balancers/target-groups.js'
import type { ServiceInfo } from '../../src/inventory/index.js'

const LB = 'arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/previews/aaa'
const LISTENER = 'arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/previews/aaa/lll'
const tg = (name: string) => `arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/${name}/0001`
const ruleArn = (n: string) =>
  `arn:aws:elasticloadbalancing:us-east-1:123456789012:listener-rule/app/previews/aaa/lll/${n}`

function rule(n: string, forwards: [string, number][], isDefault = false): ListenerRuleInfo {
  return {
    arn: ruleArn(n),
    listenerArn: LISTENER,
    loadBalancerArn: LB,
    priority: isDefault ? 'default' : n,
    isDefault,
    forwardsTo: forwards.map(([name, weight]) => ({ targetGroupArn: tg(name), weight }))
  }
}

function found(over: Partial<LoadBalancersFound> = {}): LoadBalancersFound {
  return {
    refs: [{ service: 'web', targetGroupArn: tg('pr-1'), role: 'primary' }],
    namedRules: [],
    latticeTargetGroups: [],
    targetGroups: [
      { arn: tg('pr-1'), name: 'pr-1', loadBalancerArns: [LB] },
      { arn: tg('pr-2'), name: 'pr-2', loadBalancerArns: [LB] }
    ],
    rules: [rule('1', [['pr-1', 1]]), rule('2', [['pr-2', 1]]), rule('d', [], true)],
    usedElsewhere: {},
    ...over
  }
}

describe('decideLoadBalancers', () => {
  it("deletes the removed service's rule and group, and leaves the neighbour's rule and group out of the plan", () => {
    const plan = decideLoadBalancers(found(), true)
    expect(plan.rules).toEqual([{ rule: rule('1', [['pr-1', 1]]), delete: true }])
    expect(plan.targetGroups).toMatchObject([{ group: { name: 'pr-1' }, services: ['web'], delete: true }])
    expect(plan.loadBalancerArns).toEqual([LB])
  })

  it('reports everything, deleting nothing, without delete-target-groups', () => {
    const plan = decideLoadBalancers(found(), false)
    expect(plan.rules.every(r => !r.delete && r.keepReason === 'delete-target-groups is off')).toBe(true)
    expect(plan.targetGroups.every(g => !g.delete)).toBe(true)
  })

  it('keeps a weighted rule that also forwards outside, and the group it forwards to, but deletes the rule only to that group', () => {
    const plan = decideLoadBalancers(
      found({
        rules: [
          rule('1', [['pr-1', 1]]),
          rule('5', [
            ['pr-1', 50],
            ['pr-2', 50]
          ])
        ]
      }),
      true
    )
    expect(plan.rules).toMatchObject([
      { rule: { priority: '1' }, delete: true },
      { rule: { priority: '5' }, delete: false, keepReason: expect.stringMatching(/also forwards to pr-2/) }
    ])
    expect(plan.targetGroups).toMatchObject([
      {
        delete: false,
        keepReason: expect.stringMatching(/listener rule 5, which stays, also forwards to it/)
      }
    ])
  })

  it('deletes a weighted rule whose every group is the removed services’ (blue/green)', () => {
    const plan = decideLoadBalancers(
      found({
        refs: [
          { service: 'web', targetGroupArn: tg('blue'), role: 'primary' },
          { service: 'web', targetGroupArn: tg('green'), role: 'alternate' }
        ],
        targetGroups: [
          { arn: tg('blue'), name: 'blue', loadBalancerArns: [LB] },
          { arn: tg('green'), name: 'green', loadBalancerArns: [LB] }
        ],
        rules: [
          rule('1', [
            ['blue', 100],
            ['green', 0]
          ]),
          rule('2', [['green', 1]])
        ],
        namedRules: [ruleArn('1'), ruleArn('2')]
      }),
      true
    )
    expect(plan.rules.map(r => r.delete)).toEqual([true, true])
    expect(plan.targetGroups.map(g => g.delete)).toEqual([true, true])
  })

  it('keeps a blue/green listener rule the service names when it forwards to none of its groups', () => {
    const plan = decideLoadBalancers(
      found({ rules: [rule('7', [['pr-2', 1]])], namedRules: [ruleArn('7')] }),
      true
    )
    expect(plan.rules).toMatchObject([
      { delete: false, keepReason: expect.stringMatching(/none of the removed/) }
    ])
  })

  it('never deletes a default rule, nor a group a default action forwards to', () => {
    const plan = decideLoadBalancers(found({ rules: [rule('d', [['pr-1', 1]], true)] }), true)
    expect(plan.rules).toMatchObject([{ delete: false, keepReason: expect.stringMatching(/default rule/) }])
    expect(plan.targetGroups).toMatchObject([
      { delete: false, keepReason: expect.stringMatching(/default action/) }
    ])
  })

  it('keeps a group another service uses, and every rule that forwards to it', () => {
    const others = {
      taskDefinitions: {},
      logGroups: {},
      clustersChecked: 1,
      targetGroups: { [tg('pr-1')]: [{ cluster: 'other', service: 'web' }] }
    }
    const plan = decideLoadBalancers(withOtherUsers(found(), others), true)
    expect(plan.targetGroups).toMatchObject([
      { delete: false, keepReason: 'still used by cluster other (service web)' }
    ])
    expect(plan.rules).toMatchObject([
      { delete: false, keepReason: expect.stringMatching(/forwards to pr-1, which stays/) }
    ])
  })

  it('keeps every group when other users could not be ruled out', () => {
    const others = { taskDefinitions: {}, logGroups: {}, clustersChecked: 0, incomplete: 'too many clusters' }
    const plan = decideLoadBalancers(withOtherUsers(found(), others), true)
    expect(plan.targetGroups).toMatchObject([
      { delete: false, keepReason: 'another user cannot be ruled out: too many clusters' }
    ])
    expect(plan.rules[0]!.delete).toBe(false)
  })

  it('leaves out a group that no longer exists', () => {
    const plan = decideLoadBalancers(found({ targetGroups: [], rules: [] }), true)
    expect(plan.targetGroups).toEqual([])
    expect(plan.loadBalancerArns).toEqual([])
  })
})

describe("drainDelays (the services' wait schedule)", () => {
  it("gives each service the longest delay of its groups, and none when a group's delay is unknown", () => {
    const delays = drainDelays(
      found({
        refs: [
          { service: 'web', targetGroupArn: tg('pr-1'), role: 'primary' },
          { service: 'web', targetGroupArn: tg('pr-2'), role: 'alternate' },
          { service: 'api', targetGroupArn: tg('pr-3'), role: 'primary' },
          { service: 'gone', targetGroupArn: tg('deleted'), role: 'primary' }
        ],
        targetGroups: [
          { arn: tg('pr-1'), name: 'pr-1', loadBalancerArns: [LB], deregistrationDelayMs: 60_000 },
          { arn: tg('pr-2'), name: 'pr-2', loadBalancerArns: [LB], deregistrationDelayMs: 120_000 },
          // api's group could not be read: its wait keeps the plain schedule.
          { arn: tg('pr-3'), name: 'pr-3', loadBalancerArns: [LB] }
        ]
      })
    )
    expect(delays).toEqual({ web: 120_000 })
  })

  it('is part of the plan the apply reads', () => {
    const plan = decideLoadBalancers(
      found({
        targetGroups: [{ arn: tg('pr-1'), name: 'pr-1', loadBalancerArns: [LB], deregistrationDelayMs: 0 }]
      }),
      true
    )
    expect(plan.drainDelayMs).toEqual({ web: 0 })
  })
})

describe('reading load balancer references', () => {
  it('takes primary and alternate groups, blue/green rules and VPC Lattice groups from the services', () => {
    const service = {
      name: 'web',
      loadBalancers: [
        {
          targetGroupArn: tg('blue'),
          advancedConfiguration: {
            alternateTargetGroupArn: tg('green'),
            productionListenerRule: ruleArn('1'),
            testListenerRule: ruleArn('2'),
            roleArn: 'arn:aws:iam::123456789012:role/r'
          }
        }
      ],
      vpcLatticeTargetGroups: ['arn:aws:vpc-lattice:us-east-1:123456789012:targetgroup/tg-1']
    } as unknown as ServiceInfo
    expect(serviceTargetGroups([service])).toEqual({
      refs: [
        { service: 'web', targetGroupArn: tg('blue'), role: 'primary' },
        { service: 'web', targetGroupArn: tg('green'), role: 'alternate' }
      ],
      namedRules: [ruleArn('1'), ruleArn('2')],
      latticeTargetGroups: [
        { service: 'web', arn: 'arn:aws:vpc-lattice:us-east-1:123456789012:targetgroup/tg-1' }
      ]
    })
  })

  it('reads forward targets, direct or weighted, and ignores other actions', () => {
    expect(
      forwardTargets([
        { Type: 'authenticate-oidc' },
        { Type: 'forward', TargetGroupArn: tg('a') },
        {
          Type: 'forward',
          TargetGroupArn: tg('b'),
          ForwardConfig: { TargetGroups: [{ TargetGroupArn: tg('b'), Weight: 3 }] }
        },
        { Type: 'fixed-response' }
      ])
    ).toEqual([
      { targetGroupArn: tg('a'), weight: 1 },
      { targetGroupArn: tg('b'), weight: 3 }
    ])
    expect(listenerOfRule(ruleArn('9'))).toBe(LISTENER)
  })
})
