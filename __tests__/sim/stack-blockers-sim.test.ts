import {
  DescribeAutoScalingGroupsCommand,
  DescribeAutoScalingInstancesCommand,
  SetInstanceProtectionCommand
} from '@aws-sdk/client-auto-scaling'
import { DeleteStackCommand, DescribeStacksCommand } from '@aws-sdk/client-cloudformation'
import { DescribeNetworkInterfacesCommand } from '@aws-sdk/client-ec2'
import { StopTaskCommand } from '@aws-sdk/client-ecs'
import { describe, expect, it } from '@jest/globals'
import { ENI_RELEASE_MS } from './ec2-sim.js'
import { type Out, rejects, send } from './rule-test.js'
import { SimWorld } from './world.js'

// EC2 Auto Scaling's instance scale-in protection and awsvpc network interfaces, and what they do
// to a CloudFormation stack's deletion. One test per rule.

describe('EC2 Auto Scaling simulator', () => {
  function world(count = 3) {
    const w = new SimWorld()
    const instances = w.ec2.createAutoScalingGroup('asg-1', count, { protectedFromScaleIn: true })
    return { w, asg: w.ec2AutoScaling.client, ids: instances.map(i => i.id) }
  }

  it('describes a group with ProtectedFromScaleIn per instance and NewInstancesProtectedFromScaleIn', async () => {
    const { asg, ids } = world(2)
    const out = await send(
      asg,
      new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: ['asg-1', 'gone'] })
    )
    const groups = out.AutoScalingGroups as Out[]
    expect(groups).toHaveLength(1)
    expect(groups[0]!.NewInstancesProtectedFromScaleIn).toBe(true)
    expect(groups[0]!.Instances).toEqual(
      ids.map(id => expect.objectContaining({ InstanceId: id, ProtectedFromScaleIn: true }))
    )
  })

  it('refuses MaxRecords above 100 (groups) and 50 (instances), and more than 50 InstanceIds', async () => {
    const { asg } = world(1)
    await rejects(send(asg, new DescribeAutoScalingGroupsCommand({ MaxRecords: 101 })), 'ValidationError')
    await rejects(send(asg, new DescribeAutoScalingInstancesCommand({ MaxRecords: 51 })), 'ValidationError')
    const many = Array.from({ length: 51 }, (_, i) => `i-${String(i).padStart(17, '0')}`)
    await rejects(
      send(asg, new DescribeAutoScalingInstancesCommand({ InstanceIds: many })),
      'ValidationError'
    )
  })

  it('pages DescribeAutoScalingGroups with NextToken and refuses a token of another list', async () => {
    const w = new SimWorld()
    for (let i = 0; i < 3; i++) w.ec2.createAutoScalingGroup(`g-${i}`, 1)
    const asg = w.ec2AutoScaling.client
    const first = await send(asg, new DescribeAutoScalingGroupsCommand({ MaxRecords: 2 }))
    expect(first.AutoScalingGroups).toHaveLength(2)
    const second = await send(
      asg,
      new DescribeAutoScalingGroupsCommand({ MaxRecords: 2, NextToken: first.NextToken as string })
    )
    expect((second.AutoScalingGroups as Out[]).map(g => g.AutoScalingGroupName)).toEqual(['g-2'])
    await rejects(
      send(asg, new DescribeAutoScalingInstancesCommand({ NextToken: first.NextToken as string })),
      'InvalidNextToken'
    )
  })

  it('ignores an unknown id in DescribeAutoScalingInstances, which names each instance’s group', async () => {
    const { asg, ids } = world(1)
    const out = await send(
      asg,
      new DescribeAutoScalingInstancesCommand({ InstanceIds: [ids[0]!, 'i-0000000000000dead'] })
    )
    expect(out.AutoScalingInstances).toEqual([
      expect.objectContaining({
        InstanceId: ids[0],
        AutoScalingGroupName: 'asg-1',
        ProtectedFromScaleIn: true
      })
    ])
  })

  it('SetInstanceProtection clears protection, takes at most 50 ids, and only the group’s instances', async () => {
    const { w, asg, ids } = world(2)
    const many = Array.from({ length: 51 }, (_, i) => `i-${String(i).padStart(17, '0')}`)
    await rejects(
      send(
        asg,
        new SetInstanceProtectionCommand({
          AutoScalingGroupName: 'asg-1',
          InstanceIds: many,
          ProtectedFromScaleIn: false
        })
      ),
      'LimitExceeded'
    )
    await rejects(
      send(
        asg,
        new SetInstanceProtectionCommand({
          AutoScalingGroupName: 'nope',
          InstanceIds: ids,
          ProtectedFromScaleIn: false
        })
      ),
      'ValidationError',
      /not found/
    )
    const stranger = w.ec2.launch().id
    await rejects(
      send(
        asg,
        new SetInstanceProtectionCommand({
          AutoScalingGroupName: 'asg-1',
          InstanceIds: [stranger],
          ProtectedFromScaleIn: false
        })
      ),
      'ValidationError',
      /not part of/
    )
    expect(w.ec2AutoScaling.protectedInstances('asg-1')).toHaveLength(2)
    await send(
      asg,
      new SetInstanceProtectionCommand({
        AutoScalingGroupName: 'asg-1',
        InstanceIds: ids,
        ProtectedFromScaleIn: false
      })
    )
    expect(w.ec2AutoScaling.protectedInstances('asg-1')).toEqual([])
  })

  it('a group that protects new instances protects the replacement of a terminated one', async () => {
    const { w } = world(1)
    const [first] = w.ec2.groupInstances('asg-1')
    first!.protectedFromScaleIn = false
    first!.terminatedAt = w.ec2.now
    // The group's replacement, as EC2 Auto Scaling launches one.
    ;(w.ec2 as unknown as { replaceIfGrouped(i: unknown): void }).replaceIfGrouped(first)
    expect(w.ec2AutoScaling.protectedInstances('asg-1')).toHaveLength(1)
  })
})

describe('a stack deletion held up by protected instances and network interfaces', () => {
  it('stays DELETE_IN_PROGRESS while its Auto Scaling group has protected instances, and ends once released', async () => {
    const w = new SimWorld()
    w.ec2.createAutoScalingGroup('cdk-asg', 2, { protectedFromScaleIn: true })
    const stack = w.cfn.createStack('cdk', {
      deleteTakesMs: 60_000,
      resources: [{ logicalId: 'Asg', type: 'AWS::AutoScaling::AutoScalingGroup', physicalId: 'cdk-asg' }]
    })
    await send(w.cfn.client, new DeleteStackCommand({ StackName: 'cdk' }))
    await w.ecs.time.sleep(3_600_000)
    const described = await send(w.cfn.client, new DescribeStacksCommand({ StackName: stack.id }))
    expect((described.Stacks as Out[])[0]!.StackStatus).toBe('DELETE_IN_PROGRESS')
    expect(w.ec2.billing()).toHaveLength(2)
    const ids = w.ec2.groupInstances('cdk-asg').map(i => i.id)
    await send(
      w.ec2AutoScaling.client,
      new SetInstanceProtectionCommand({
        AutoScalingGroupName: 'cdk-asg',
        InstanceIds: ids,
        ProtectedFromScaleIn: false
      })
    )
    const after = await send(w.cfn.client, new DescribeStacksCommand({ StackName: stack.id }))
    expect((after.Stacks as Out[])[0]!.StackStatus).toBe('DELETE_COMPLETE')
    expect(w.ec2.billing()).toEqual([])
  })

  function awsvpcWorld() {
    const w = new SimWorld()
    w.ecs.createCluster('c1')
    w.ec2.useAwsvpc('c1', { subnetId: 'subnet-0a', vpcId: 'vpc-0a', securityGroupId: 'sg-0a' })
    const task = w.ecs.runTask('c1', { family: 'web', stopTimeMs: 10_000 })
    return { w, task }
  }

  it('gives an awsvpc task a network interface, released some time after the task is STOPPED', async () => {
    const { w, task } = awsvpcWorld()
    const eni = task.networkInterfaceId!
    expect(eni).toMatch(/^eni-/)
    const filter = { Filters: [{ Name: 'network-interface-id', Values: [eni] }] }
    expect(
      (await send(w.ec2.client, new DescribeNetworkInterfacesCommand(filter))).NetworkInterfaces
    ).toHaveLength(1)
    await send(w.ecs.client, new StopTaskCommand({ cluster: 'c1', task: task.arn }))
    await w.ecs.time.sleep(10_000)
    expect(w.ecs.taskStatus(task)).toBe('STOPPED')
    expect(
      (await send(w.ec2.client, new DescribeNetworkInterfacesCommand(filter))).NetworkInterfaces
    ).toHaveLength(1)
    await w.ecs.time.sleep(ENI_RELEASE_MS)
    expect(
      (await send(w.ec2.client, new DescribeNetworkInterfacesCommand(filter))).NetworkInterfaces
    ).toEqual([])
    await rejects(
      send(w.ec2.client, new DescribeNetworkInterfacesCommand({ NetworkInterfaceIds: [eni] })),
      'InvalidNetworkInterfaceID.NotFound'
    )
  })

  it('refuses MaxResults with NetworkInterfaceIds, MaxResults out of 5–1000, and an unknown filter', async () => {
    const { w, task } = awsvpcWorld()
    const ec2 = w.ec2.client
    await rejects(
      send(
        ec2,
        new DescribeNetworkInterfacesCommand({
          NetworkInterfaceIds: [task.networkInterfaceId!],
          MaxResults: 5
        })
      ),
      'InvalidParameterCombination'
    )
    await rejects(send(ec2, new DescribeNetworkInterfacesCommand({ MaxResults: 4 })), 'InvalidParameterValue')
    await rejects(
      send(ec2, new DescribeNetworkInterfacesCommand({ Filters: [{ Name: 'nonsense', Values: ['x'] }] })),
      'InvalidParameterValue'
    )
  })

  it('ends DELETE_FAILED with DependencyViolation while a network interface is in its security group, subnet or VPC', async () => {
    const { w, task } = awsvpcWorld()
    const stack = w.cfn.createStack('net', {
      deleteTakesMs: 30_000,
      resources: [
        { logicalId: 'Sg', type: 'AWS::EC2::SecurityGroup', physicalId: 'sg-0a' },
        { logicalId: 'Subnet', type: 'AWS::EC2::Subnet', physicalId: 'subnet-0a' },
        { logicalId: 'Vpc', type: 'AWS::EC2::VPC', physicalId: 'vpc-0a' }
      ]
    })
    await send(w.ecs.client, new StopTaskCommand({ cluster: 'c1', task: task.arn }))
    await send(w.cfn.client, new DeleteStackCommand({ StackName: 'net' }))
    await w.ecs.time.sleep(30_000)
    w.cfn.settle()
    expect(stack.status).toBe('DELETE_FAILED')
    expect(stack.resources.map(r => [r.logicalId, r.status])).toEqual([
      ['Sg', 'DELETE_FAILED'],
      ['Subnet', 'DELETE_FAILED'],
      ['Vpc', 'DELETE_FAILED']
    ])
    expect(stack.resources[0]!.reason).toMatch(/sg-0a has a dependent object.*DependencyViolation/)
    // Once the interface is released, the same deletion goes through.
    await w.ecs.time.sleep(ENI_RELEASE_MS)
    await send(w.cfn.client, new DeleteStackCommand({ StackName: stack.id, ClientRequestToken: 'again-1' }))
    await w.ecs.time.sleep(30_000)
    w.cfn.settle()
    expect(stack.status).toBe('DELETE_COMPLETE')
  })
})
