import { describe, expect, it } from '@jest/globals'
import { HEARTBEAT_MS } from '../../src/report/phase-log.js'
import { CfnSim } from '../sim/cfn-sim.js'
import { EcsSim } from '../sim/ecs-sim.js'
import { SimWorld } from '../sim/world.js'
import { runOnSim } from '../support/harness.js'

/**
 * Cluster pr-5 behind a load balancer whose target groups keep the default deregistration delay
 * (300 s): `web` with two tasks, `api` with one, and a standalone task. Graceful mode: ECS keeps the
 * services' tasks DEACTIVATING for the 300 s, then stops them; five minutes of waiting.
 */
function slowDrain() {
  const world = new SimWorld()
  const { ecs, elbv2 } = world
  const listener = elbv2.createListener(elbv2.createLoadBalancer('previews').arn)
  ecs.createCluster('pr-5')
  ecs.registerContainerInstance('pr-5')
  for (const [i, [name, desiredCount]] of (
    [
      ['web', 2],
      ['api', 1]
    ] as const
  ).entries()) {
    const tg = elbv2.createTargetGroup(`pr-5-${name}`)
    elbv2.createRule(listener.arn, i + 1, `${name}.pr-5.example.com`, tg.arn)
    ecs.createService('pr-5', name, {
      desiredCount,
      loadBalancers: [{ targetGroupArn: tg.arn, containerName: 'web', containerPort: 80 }]
    })
  }
  ecs.runTask('pr-5', { family: 'migrate', startedBy: 'ci' })
  return world
}

describe('the live log', () => {
  it('during a 5-minute drain, says what it waits for at least every 10 s, and logs each deletion as it is made', async () => {
    const world = slowDrain()
    await world.ecs.time.sleep(5_000)
    const result = await runOnSim(world.ecs, { cluster: 'pr-5' }, { world })
    expect(result.failed).toBeUndefined()
    expect(world.ecs.remaining('pr-5').cluster).toBe('INACTIVE')

    const { lines, at } = result.log
    // Every line carries the virtual time it was written at, in order.
    expect(at).toHaveLength(lines.length)
    expect(at.every((t, i) => i === 0 || t >= at[i - 1]!)).toBe(true)

    // The drain: from the first DeleteService to the moment the last service is INACTIVE.
    const ecsCalls = world.ecs.calls.filter(c => !c.error)
    const firstDelete = ecsCalls.find(c => c.operation === 'DeleteService')!.at
    const lastInactive = at[lines.findLastIndex(l => /^pr-5: Service \w+ is deleted$/.test(l))]!
    expect(lastInactive - firstDelete).toBeGreaterThanOrEqual(300_000)
    // The lines a person sees (debug lines are hidden on the runner): no gap over 10 s.
    const shown = at.filter((_, i) => !lines[i]!.startsWith('debug: '))
    const during = [firstDelete, ...shown.filter(t => t > firstDelete && t <= lastInactive), lastInactive]
    const gaps = during.slice(1).map((t, i) => t - during[i]!)
    expect(Math.max(...gaps)).toBeLessThanOrEqual(HEARTBEAT_MS)

    // What it waits for, from the last look: the tasks deregistering, with the time left of the delay.
    const waiting = lines.filter(l => l.startsWith('pr-5: Waiting for 2 services to drain'))
    expect(waiting.length).toBeGreaterThanOrEqual(25)
    expect(waiting).toContain(
      'pr-5: Waiting for 2 services to drain: 3 tasks past their deregistration delay, stopping; 5 min 10 s elapsed'
    )
    expect(waiting[0]).toBe(
      'pr-5: Waiting for 2 services to drain and 1 standalone task to stop: 3 tasks DEACTIVATING (deregistration delay 300 s, 4 min 50 s left), 1 task STOPPING; 10 s elapsed'
    )
    expect(waiting).toContain(
      'pr-5: Waiting for 2 services to drain: 3 tasks DEACTIVATING (deregistration delay 300 s, 2 min 00 s left); 3 min 00 s elapsed'
    )

    // Each deletion and stop is logged within a second of the call AWS received.
    const expected: [string, (input: Record<string, unknown>) => RegExp][] = [
      [
        'DeleteService',
        input => new RegExp(`^pr-5: Deleting service ${String(input.service).split('/').pop()}$`)
      ],
      ['StopTask', input => new RegExp(`^pr-5: Stopping task ${String(input.task).split('/').pop()} `)],
      ['DeregisterContainerInstance', () => /^pr-5: Deregistered container instance /],
      ['DeleteCluster', () => /^pr-5: Deleting cluster pr-5$/]
    ]
    for (const [operation, line] of expected) {
      const calls = ecsCalls.filter(c => c.operation === operation)
      expect(calls.length).toBeGreaterThan(0)
      for (const call of calls) {
        const i = lines.findIndex(l => line(call.input).test(l))
        expect(i).toBeGreaterThan(-1)
        expect(at[i]! - call.at).toBeGreaterThanOrEqual(0)
        expect(at[i]! - call.at).toBeLessThanOrEqual(1_000)
      }
    }
    // Each task is told as it is seen STOPPED, and each service as it is seen INACTIVE.
    expect(lines.filter(l => /^pr-5: Task \w+ \(service:web\) is STOPPED$/.test(l))).toHaveLength(2)
    // The heartbeat stops with the waits: nothing is left sleeping once the run has ended.
    expect(world.ecs.time.pendingTimers).toBe(0)
    expect(lines.findLastIndex(l => l.includes(': Waiting for '))).toBeLessThan(lines.length - 1)
  })

  it("tells the stack's deletion while CloudFormation takes its minute, and its status change when a look sees it", async () => {
    const ecs = new EcsSim()
    const cfn = new CfnSim(ecs, { deleteTakesMs: 60_000 })
    ecs.createCluster('pr-9')
    ecs.createService('pr-9', 'web', { desiredCount: 1 })
    const stack = cfn.createStack('EC2ContainerService-pr-9', {
      ownsCluster: 'pr-9',
      terminationProtection: false,
      resources: [{ logicalId: 'Vpc', type: 'AWS::EC2::VPC' }]
    })
    const result = await runOnSim(
      ecs,
      { cluster: 'pr-9', 'delete-stack': 'true' },
      { cloudformation: cfn.client }
    )
    expect(result.failed).toBeUndefined()
    expect(cfn.stack(stack.id)!.status).toBe('DELETE_COMPLETE')

    const { lines, at } = result.log
    const line = (text: string): number => lines.indexOf(`pr-9: ${text}`)
    const deleteStack = cfn.calls.find(c => c.operation === 'DeleteStack' && !c.error)!
    expect(
      at[line(`Deleting stack EC2ContainerService-pr-9 (${stack.id})`)]! - deleteStack.at
    ).toBeLessThanOrEqual(1_000)
    // The look that saw DELETE_COMPLETE, and the line that says so, at the same moment.
    const changed = line('Stack EC2ContainerService-pr-9: DELETE_IN_PROGRESS → DELETE_COMPLETE')
    const sawIt = cfn.calls.filter(c => c.operation === 'DescribeStacks' && c.at <= at[changed]!).at(-1)!
    expect(at[changed]! - sawIt.at).toBeLessThanOrEqual(1_000)
    expect(at[changed]! - deleteStack.at).toBeGreaterThanOrEqual(60_000)
    // Meanwhile, every 10 s: what it waits for, as the last look saw it.
    const told = lines
      .map((l, i) => [l, at[i]! - deleteStack.at] as const)
      .filter(([l]) => l.startsWith('pr-9: Waiting for stack EC2ContainerService-pr-9 to be deleted'))
    expect(told.map(([, t]) => t)).toEqual(
      [10_000, 20_000, 30_000, 40_000, 50_000, 60_000].slice(0, told.length)
    )
    expect(told.length).toBeGreaterThanOrEqual(6)
    expect(told[1]![0]).toBe(
      'pr-9: Waiting for stack EC2ContainerService-pr-9 to be deleted (DELETE_IN_PROGRESS); 20 s elapsed'
    )
  })
})
