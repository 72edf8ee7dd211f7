import { describe, expect, it } from '@jest/globals'
import { KINDS } from '../../src/kinds/index.js'
import { networkInterfacesKind } from '../../src/kinds/network-interfaces.js'
import { scaleInProtectionKind } from '../../src/kinds/scale-in-protection.js'
import type { ClusterReport, Report } from '../../src/report/report.js'
import { ENI_RELEASE_MS } from '../sim/ec2-sim.js'
import { SimWorld } from '../sim/world.js'
import { runOnSim } from '../support/harness.js'

// Stacks built the way CDK and Copilot build them, torn down whole through run(): CloudFormation
// cannot delete an Auto Scaling group whose instances are protected from scale-in (the deletion
// hangs DELETE_IN_PROGRESS), nor a security group, subnet or VPC an awsvpc task's network interface
// is still in (DELETE_FAILED, DependencyViolation).

function only(report: Report | undefined): ClusterReport {
  expect(report?.clusters).toHaveLength(1)
  return report!.clusters[0]!
}

/**
 * CDK's ECS-on-EC2 layout: an Auto Scaling group behind an AsgCapacityProvider with managed
 * termination protection (its instances protected from scale-in), the cluster and two services, all
 * in stack `CdkStack`; `ownsGroup: false` puts the group in another stack the run leaves alone.
 */
function cdkEnvironment(opts: { ownsGroup?: boolean; instances?: number } = {}): SimWorld {
  const world = new SimWorld()
  const { ecs, cfn, ec2 } = world
  const owner = opts.ownsGroup === false ? 'SharedCapacity' : 'CdkStack'
  const provider = ecs.createCapacityProvider('cdk-cp')
  const instances = ec2.createAutoScalingGroup('cdk-cp-asg', opts.instances ?? 2, {
    stack: owner,
    protectedFromScaleIn: true
  })
  ecs.createCluster('cdk', { capacityProviders: [provider.name] })
  for (const i of instances) ecs.registerContainerInstance('cdk', { ec2InstanceId: i.id })
  ecs.createService('cdk', 'api', { desiredCount: 2 })
  ecs.createService('cdk', 'worker', { desiredCount: 1 })
  const group = {
    logicalId: 'AsgASG0D4C2EB1',
    type: 'AWS::AutoScaling::AutoScalingGroup',
    physicalId: 'cdk-cp-asg'
  }
  cfn.createStack('CdkStack', {
    ownsCluster: 'cdk',
    ownsServices: { cluster: 'cdk', services: ['api', 'worker'] },
    resources: [
      { logicalId: 'Vpc8378EB38', type: 'AWS::EC2::VPC' },
      { logicalId: 'AsgCapacityProvider760D11D9', type: 'AWS::ECS::CapacityProvider', physicalId: 'cdk-cp' },
      ...(opts.ownsGroup === false ? [] : [group])
    ]
  })
  if (opts.ownsGroup === false) cfn.createStack('SharedCapacity', { resources: [group] })
  return world
}

describe('a CDK-style EC2 stack whose Auto Scaling group is protected from scale-in', () => {
  it('removes the protection after the tasks are gone and before DeleteStack: nothing is left', async () => {
    const world = cdkEnvironment()
    await world.ecs.time.sleep(15_000)
    const result = await runOnSim(world.ecs, { cluster: 'cdk', 'delete-stack': 'true' }, { world })

    expect(result.failed).toBeUndefined()
    const c = only(result.report)
    expect(c.outcome).toBe('deleted')
    expect(c.stack).toMatchObject({ name: 'CdkStack', deleted: true })
    expect(c.leftovers).toEqual([])
    expect(c.related!.scaleInProtection).toEqual([
      { group: 'cdk-cp-asg', instances: expect.any(Array), action: 'cleared' }
    ])
    expect(c.related!.scaleInProtection[0]!.instances).toHaveLength(2)
    // What AWS holds afterwards: no stack, no cluster, no instance billing.
    expect(world.cfn.stack('CdkStack')!.status).toBe('DELETE_COMPLETE')
    expect(world.ec2.billing()).toEqual([])
    expect(world.ecs.remaining('cdk')).toMatchObject({
      cluster: 'INACTIVE',
      services: [],
      tasks: [],
      containerInstances: []
    })
    // The protection went after the last task stopped and before the stack's deletion started.
    const cleared = world.ec2AutoScaling.calls.find(x => x.operation === 'SetInstanceProtection')!
    const deleteStack = world.cfn.calls.find(x => x.operation === 'DeleteStack')!
    expect(cleared.at).toBeLessThanOrEqual(deleteStack.at)
    const lastStop = Math.max(...[...world.ecs.tasks.values()].map(t => world.ecs.stopsAt(t) ?? Infinity))
    expect(cleared.at).toBeGreaterThanOrEqual(lastStop)
  })

  it('without clearing it, the same stack hangs DELETE_IN_PROGRESS until the deadline (the simulator holds it)', async () => {
    const world = cdkEnvironment()
    await world.ecs.time.sleep(15_000)
    const result = await runOnSim(
      world.ecs,
      { cluster: 'cdk', 'delete-stack': 'true', 'timeout-minutes': '15' },
      { world, kinds: KINDS.filter(k => k !== scaleInProtectionKind) }
    )
    const c = only(result.report)
    expect(c.outcome).toBe('timed-out')
    expect(world.cfn.stack('CdkStack')!.status).toBe('DELETE_IN_PROGRESS')
    expect(world.ec2.billing()).toHaveLength(2)
  })

  it('a re-run that finds the cluster gone and the stack held by protected instances releases them', async () => {
    // ecs-cli's layout: the stack holds the Auto Scaling group, not the cluster (deleted first).
    const world = new SimWorld()
    const { ecs, cfn, ec2 } = world
    const instances = ec2.createAutoScalingGroup('cli-asg', 2, {
      stack: 'amazon-ecs-cli-setup-cli',
      protectedFromScaleIn: true
    })
    ecs.createCluster('cli')
    for (const i of instances) ecs.registerContainerInstance('cli', { ec2InstanceId: i.id })
    ecs.createService('cli', 'web', { desiredCount: 2 })
    cfn.createStack('amazon-ecs-cli-setup-cli', {
      resources: [
        { logicalId: 'EcsInstanceAsg', type: 'AWS::AutoScaling::AutoScalingGroup', physicalId: 'cli-asg' }
      ]
    })
    await world.ecs.time.sleep(15_000)
    // An earlier run that did not release them (a version without this, or a role without the permission).
    const first = await runOnSim(
      world.ecs,
      { cluster: 'cli', 'delete-stack': 'true', 'timeout-minutes': '10' },
      { world, kinds: KINDS.filter(k => k !== scaleInProtectionKind) }
    )
    expect(only(first.report).outcome).toBe('timed-out')
    expect(world.ecs.remaining('cli').cluster).toBe('INACTIVE')
    expect(world.cfn.stack('amazon-ecs-cli-setup-cli')!.status).toBe('DELETE_IN_PROGRESS')

    const changes = world.mutatingCalls().length
    const dry = await runOnSim(
      world.ecs,
      { cluster: 'cli', 'delete-stack': 'true', 'dry-run': 'true' },
      { world }
    )
    expect(only(dry.report).plan!.steps.map(s => s.description)).toEqual([
      'Remove scale-in protection from the 2 instances of Auto Scaling group cli-asg, which the stack deletes',
      'Delete stack amazon-ecs-cli-setup-cli; wait until DELETE_COMPLETE'
    ])
    expect(world.mutatingCalls()).toHaveLength(changes)

    const again = await runOnSim(world.ecs, { cluster: 'cli', 'delete-stack': 'true' }, { world })
    const c = only(again.report)
    expect(c.outcome).toBe('absent')
    expect(c.stack).toMatchObject({ deleted: true })
    expect(world.cfn.stack('amazon-ecs-cli-setup-cli')!.status).toBe('DELETE_COMPLETE')
    expect(world.ec2.billing()).toEqual([])
  })

  it('clears more than 50 protected instances 50 per call', async () => {
    const world = cdkEnvironment({ instances: 51 })
    await world.ecs.time.sleep(15_000)
    const result = await runOnSim(world.ecs, { cluster: 'cdk', 'delete-stack': 'true' }, { world })
    expect(only(result.report).outcome).toBe('deleted')
    const calls = world.ec2AutoScaling.calls.filter(x => x.operation === 'SetInstanceProtection')
    expect(calls.map(x => (x.input.InstanceIds as string[]).length)).toEqual([50, 1])
    expect(world.ec2.billing()).toEqual([])
  })

  it('lists the same steps in a dry run, without one change', async () => {
    const world = cdkEnvironment()
    await world.ecs.time.sleep(15_000)
    const dry = await runOnSim(
      world.ecs,
      { cluster: 'cdk', 'delete-stack': 'true', 'dry-run': 'true' },
      { world }
    )
    expect(world.mutatingCalls()).toEqual([])
    const planned = only(dry.report).plan!.steps.map(s => s.description)
    const removal = planned.findIndex(d => d.startsWith('Remove scale-in protection from the 2 instances'))
    const deletion = planned.findIndex(d => d.startsWith('Delete stack CdkStack'))
    expect(removal).toBeGreaterThan(planned.findIndex(d => d.startsWith('Detach 1 capacity provider')))
    expect(deletion).toBe(removal + 1)

    const real = await runOnSim(world.ecs, { cluster: 'cdk', 'delete-stack': 'true' }, { world })
    const c = only(real.report)
    expect(c.outcome).toBe('deleted')
    // The phases it took, in order, are the plan's.
    const phases = c.phases.map(p => p.name)
    expect(phases.indexOf('scale-in protection')).toBe(phases.indexOf('delete stack') - 1)
  })

  it('reports the protected instances of a group it does not delete, with the commands that remove them', async () => {
    const world = cdkEnvironment({ ownsGroup: false })
    await world.ecs.time.sleep(15_000)
    const dry = await runOnSim(
      world.ecs,
      { cluster: 'cdk', 'delete-stack': 'true', 'dry-run': 'true' },
      { world }
    )
    expect(only(dry.report).plan!.blockers).toEqual([
      expect.stringMatching(
        /^Auto Scaling group cdk-cp-asg is not deleted by this run, and 2 instances of it are protected from scale-in: .*aws autoscaling set-instance-protection --auto-scaling-group-name cdk-cp-asg --no-protected-from-scale-in --instance-ids i-\S+ i-\S+\), then scale the group to 0 .*--no-new-instances-protected-from-scale-in/
      )
    ])
    const result = await runOnSim(world.ecs, { cluster: 'cdk', 'delete-stack': 'true' }, { world })
    const c = only(result.report)
    expect(c.outcome).toBe('deleted')
    expect(world.ec2AutoScaling.countCalls('SetInstanceProtection')).toBe(0)
    expect(world.ec2AutoScaling.protectedInstances('cdk-cp-asg')).toHaveLength(2)
    // One leftover per instance, the hosts kind's, now with the commands that really remove it.
    const left = c.leftovers.filter(l => l.kind === 'ec2-instance')
    expect(left.map(l => l.id).sort()).toEqual(world.ec2.billing().sort())
    for (const l of left) {
      expect(l.billing).toBe(true)
      expect(l.reason).toMatch(/protected from scale-in in Auto Scaling group cdk-cp-asg/)
      expect(l.reason).toContain(
        'aws autoscaling set-instance-protection --auto-scaling-group-name cdk-cp-asg'
      )
    }
    expect(c.related!.scaleInProtection).toEqual([
      { group: 'cdk-cp-asg', instances: expect.any(Array), action: 'kept' }
    ])
  })
})

/** A cluster with one Fargate service of `tasks` awsvpc tasks, in subnet-, vpc- and sg-`<net>`. */
function awsvpcCluster(cluster: string, service: string, tasks: number, net: string): SimWorld {
  const world = new SimWorld()
  world.ecs.createCluster(cluster)
  world.ec2.useAwsvpc(cluster, {
    subnetId: `subnet-${net}`,
    vpcId: `vpc-${net}`,
    securityGroupId: `sg-${net}`
  })
  world.ecs.createService(cluster, service, { desiredCount: tasks, launchType: 'FARGATE' })
  return world
}

/**
 * Copilot's and the sample templates' Fargate layout: one stack owns the VPC, subnet, security group,
 * cluster and service; the tasks run in awsvpc mode, one network interface each.
 */
function awsvpcEnvironment(): SimWorld {
  const world = awsvpcCluster('copilot', 'frontend', 3, '0c0p')
  world.cfn.createStack('copilot-env', {
    ownsCluster: 'copilot',
    ownsServices: { cluster: 'copilot', services: ['frontend'] },
    deleteTakesMs: 30_000,
    resources: [
      { logicalId: 'VPC', type: 'AWS::EC2::VPC', physicalId: 'vpc-0c0p' },
      { logicalId: 'PublicSubnet1', type: 'AWS::EC2::Subnet', physicalId: 'subnet-0c0p' },
      { logicalId: 'EnvironmentSecurityGroup', type: 'AWS::EC2::SecurityGroup', physicalId: 'sg-0c0p' }
    ]
  })
  return world
}

describe('an awsvpc environment whose stack owns its network', () => {
  it('waits until the tasks’ network interfaces are released before DeleteStack: nothing is left', async () => {
    const world = awsvpcEnvironment()
    await world.ecs.time.sleep(15_000)
    const enis = [...world.ec2.networkInterfaces.keys()]
    expect(enis).toHaveLength(3)
    const result = await runOnSim(world.ecs, { cluster: 'copilot', 'delete-stack': 'true' }, { world })

    expect(result.failed).toBeUndefined()
    const c = only(result.report)
    expect(c.outcome).toBe('deleted')
    expect(c.leftovers).toEqual([])
    expect(world.cfn.stack('copilot-env')!.status).toBe('DELETE_COMPLETE')
    expect(world.ec2.liveInterfaces()).toEqual([])
    expect(c.related!.networkInterfaces.map(n => n.id).sort()).toEqual(enis.sort())
    const deleteStack = world.cfn.calls.find(x => x.operation === 'DeleteStack')!
    const released = Math.max(
      ...enis
        .map(id => world.ec2.networkInterfaces.get(id)!)
        .map(n => world.ecs.stopsAt(n.task)! + ENI_RELEASE_MS)
    )
    expect(deleteStack.at).toBeGreaterThanOrEqual(released)
    expect(result.log.lines.join('\n')).toMatch(/Waiting until EC2 has released the 3 network interfaces/)
  })

  it('without the wait, the same stack ends DELETE_FAILED with DependencyViolation (the simulator refuses it)', async () => {
    const world = awsvpcEnvironment()
    await world.ecs.time.sleep(15_000)
    const result = await runOnSim(
      world.ecs,
      { cluster: 'copilot', 'delete-stack': 'true' },
      { world, kinds: KINDS.filter(k => k !== networkInterfacesKind) }
    )
    const c = only(result.report)
    expect(c.outcome).toBe('failed')
    expect(world.cfn.stack('copilot-env')!.status).toBe('DELETE_FAILED')
    expect(c.stack!.failedResources.map(r => r.reason).join(' ')).toMatch(/DependencyViolation/)
  })

  it('lists the wait in the dry run right before the stack, without one change', async () => {
    const world = awsvpcEnvironment()
    await world.ecs.time.sleep(15_000)
    const dry = await runOnSim(
      world.ecs,
      { cluster: 'copilot', 'delete-stack': 'true', 'dry-run': 'true' },
      { world }
    )
    expect(world.mutatingCalls()).toEqual([])
    const planned = only(dry.report).plan!.steps.map(s => s.description)
    const wait = planned.findIndex(d =>
      d.startsWith(
        'Wait until EC2 has released the 3 network interfaces of the awsvpc tasks (stack copilot-env owns'
      )
    )
    expect(wait).toBeGreaterThanOrEqual(0)
    expect(planned[wait + 1]).toMatch(/^Delete stack copilot-env/)
  })

  it('waits for the interfaces when the network in them is a stack importing the cluster stack (a service stack that owns its security group)', async () => {
    const world = awsvpcCluster('shop', 'web', 2, 'web')
    const { ecs, cfn, ec2 } = world
    cfn.createStack('shop-env', {
      ownsCluster: 'shop',
      exports: [{ name: 'shop-env:ClusterName', of: 'ECSCluster' }]
    })
    const web = cfn.createStack('shop-web', {
      ownsServices: { cluster: 'shop', services: ['web'] },
      resources: [
        { logicalId: 'ServiceSecurityGroup', type: 'AWS::EC2::SecurityGroup', physicalId: 'sg-web' }
      ],
      imports: ['shop-env:ClusterName']
    })
    await ecs.time.sleep(15_000)
    const enis = [...ec2.networkInterfaces.keys()]
    expect(enis).toHaveLength(2)

    const dry = await runOnSim(ecs, { cluster: 'shop', 'delete-stack': 'true', 'dry-run': 'true' }, { world })
    const planned = only(dry.report).plan!.steps.map(s => s.description)
    const wait = planned.findIndex(d => d.startsWith('Wait until EC2 has released the 2 network interfaces'))
    expect(wait).toBeGreaterThanOrEqual(0)
    expect(planned[wait]).toContain('sg-web')
    expect(planned[wait + 1]).toMatch(/^Delete stack shop-web /)

    const result = await runOnSim(ecs, { cluster: 'shop', 'delete-stack': 'true' }, { world })
    expect(result.failed).toBeUndefined()
    const c = only(result.report)
    expect(c.outcome).toBe('deleted')
    expect(c.leftovers).toEqual([])
    expect(cfn.stack(web.id)!.status).toBe('DELETE_COMPLETE')
    expect(cfn.stack('shop-env')!.status).toBe('DELETE_COMPLETE')
    expect(world.ec2.liveInterfaces()).toEqual([])
    expect(c.related!.networkInterfaces.map(n => n.id).sort()).toEqual(enis.sort())
  })

  it('without delete-stack, waits for nothing', async () => {
    const world = awsvpcEnvironment()
    await world.ecs.time.sleep(15_000)
    const result = await runOnSim(world.ecs, { cluster: 'copilot' }, { world })
    expect(only(result.report).outcome).toBe('deleted')
    expect(world.ec2.countCalls('DescribeNetworkInterfaces')).toBe(0)
  })
})

describe('a role without the Auto Scaling reads', () => {
  it('deletes a stack whose group has no protected instance as before, saying what it could not read', async () => {
    const world = new SimWorld()
    const { ecs, cfn, ec2 } = world
    const instances = ec2.createAutoScalingGroup('plain-asg', 2, { stack: 'Plain' })
    ecs.createCluster('plain')
    for (const i of instances) ecs.registerContainerInstance('plain', { ec2InstanceId: i.id })
    ecs.createService('plain', 'web', { desiredCount: 2 })
    cfn.createStack('Plain', {
      ownsCluster: 'plain',
      resources: [{ logicalId: 'Asg', type: 'AWS::AutoScaling::AutoScalingGroup', physicalId: 'plain-asg' }]
    })
    for (const op of ['DescribeAutoScalingInstances', 'DescribeAutoScalingGroups'])
      world.ec2AutoScaling.denied.add(op)
    await world.ecs.time.sleep(15_000)

    const dry = await runOnSim(
      world.ecs,
      { cluster: 'plain', 'delete-stack': 'true', 'dry-run': 'true' },
      { world }
    )
    const plan = only(dry.report).plan!
    expect(plan.blockers).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^missing permission: .*autoscaling:DescribeAutoScalingInstances/),
        expect.stringMatching(/^The Auto Scaling groups behind the cluster could not be read .*plain-asg/)
      ])
    )
    expect(plan.steps.map(s => s.description)).toEqual(
      expect.arrayContaining([expect.stringMatching(/^Read the stack's Auto Scaling group plain-asg again/)])
    )

    const result = await runOnSim(world.ecs, { cluster: 'plain', 'delete-stack': 'true' }, { world })
    const c = only(result.report)
    expect(c.outcome).toBe('deleted')
    expect(world.cfn.stack('Plain')!.status).toBe('DELETE_COMPLETE')
    expect(world.ec2.billing()).toEqual([])
    expect(result.log.lines.join('\n')).toMatch(/Could not read Auto Scaling plain-asg/)
  })
})
