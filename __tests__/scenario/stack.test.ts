import { describe, expect, it } from '@jest/globals'
import { CfnSim } from '../sim/cfn-sim.js'
import { EcsSim } from '../sim/ecs-sim.js'
import { runOnSim } from '../support/harness.js'

/** A console-wizard environment: the stack owns the cluster, the VPC and the Auto Scaling group. */
function wizardEnvironment(
  opts: {
    ownsCluster?: boolean
    stackName?: string
    terminationProtection?: boolean
    failDeleteOf?: string
  } = {}
) {
  const ecs = new EcsSim()
  const cfn = new CfnSim(ecs)
  ecs.createCluster('pr-9')
  ecs.registerContainerInstance('pr-9')
  ecs.registerContainerInstance('pr-9')
  ecs.createService('pr-9', 'web', { desiredCount: 2 })
  ecs.runTask('pr-9', { family: 'migrate' })
  const stack = cfn.createStack(opts.stackName ?? 'EC2ContainerService-pr-9', {
    ...(opts.ownsCluster === false ? {} : { ownsCluster: 'pr-9' }),
    terminationProtection: opts.terminationProtection ?? false,
    resources: [
      { logicalId: 'Vpc', type: 'AWS::EC2::VPC' },
      { logicalId: 'EcsInstanceAsg', type: 'AWS::AutoScaling::AutoScalingGroup' }
    ],
    ...(opts.failDeleteOf ? { failDeleteOf: opts.failDeleteOf } : {})
  })
  return { ecs, cfn, stack }
}

describe('delete-stack on the strict simulators', () => {
  it('drains ECS, then lets the stack that owns the cluster delete it, waiting on the StackId', async () => {
    const { ecs, cfn, stack } = wizardEnvironment()
    const result = await runOnSim(
      ecs,
      { cluster: 'pr-9', 'delete-stack': 'true' },
      { cloudformation: cfn.client }
    )

    expect(result.failed).toBeUndefined()
    expect(cfn.stack(stack.id)!.status).toBe('DELETE_COMPLETE')
    expect(ecs.remaining('pr-9')).toMatchObject({
      cluster: 'INACTIVE',
      services: [],
      tasks: [],
      containerInstances: []
    })
    const c = result.report!.clusters[0]!
    expect(c.outcome).toBe('deleted')
    expect(c.stack).toMatchObject({
      name: 'EC2ContainerService-pr-9',
      id: stack.id,
      foundBy: 'tag',
      status: 'DELETE_COMPLETE',
      ownsCluster: true,
      deleted: true,
      failedResources: []
    })
    expect(result.outputs['stacks-deleted']).toBe('1')
    // The cluster went with its stack: no DeleteCluster was needed.
    expect(ecs.countCalls('DeleteCluster')).toBe(0)
    // DeleteStack came after the last ECS change, and the wait used the StackId.
    const deleteStackAt = cfn.calls.find(call => call.operation === 'DeleteStack')!.at
    const lastEcsChange = Math.max(
      ...ecs.calls.filter(call => ecs.mutatingCalls().includes(call.operation)).map(call => call.at)
    )
    expect(deleteStackAt).toBeGreaterThanOrEqual(lastEcsChange)
    const waits = cfn.calls.filter(call => call.operation === 'DescribeStacks' && call.at > deleteStackAt)
    expect(waits.length).toBeGreaterThan(0)
    expect(waits.every(call => call.input.StackName === stack.id)).toBe(true)
    expect(result.summary).toContain('| CloudFormation stack | 1 | 1 | 0 |')
  })

  it('deletes the cluster first, then a stack that does not own it (ecs-cli)', async () => {
    const { ecs, cfn } = wizardEnvironment({ ownsCluster: false, stackName: 'amazon-ecs-cli-setup-pr-9' })
    const result = await runOnSim(
      ecs,
      { cluster: 'pr-9', 'delete-stack': 'true' },
      { cloudformation: cfn.client }
    )
    expect(result.failed).toBeUndefined()
    const c = result.report!.clusters[0]!
    expect(c.stack).toMatchObject({
      name: 'amazon-ecs-cli-setup-pr-9',
      foundBy: 'ecs-cli-name',
      ownsCluster: false,
      deleted: true
    })
    const deleteCluster = ecs.calls.find(call => call.operation === 'DeleteCluster' && !call.error)!.at
    expect(cfn.calls.find(call => call.operation === 'DeleteStack')!.at).toBeGreaterThanOrEqual(deleteCluster)
    expect(c.phases.map(p => p.name).slice(-2)).toEqual(['delete cluster', 'delete stack'])
  })

  it('refuses a termination-protected stack before touching anything', async () => {
    const { ecs, cfn } = wizardEnvironment({ terminationProtection: true })
    const result = await runOnSim(
      ecs,
      { cluster: 'pr-9', 'delete-stack': 'true' },
      { cloudformation: cfn.client }
    )
    expect(result.failed).toMatch(/termination protection/)
    expect(result.failed).toContain('Nothing was removed.')
    expect(ecs.mutatingCalls()).toEqual([])
    expect(cfn.mutatingCalls()).toEqual([])
    expect(ecs.remaining('pr-9').services).toHaveLength(1)
  })

  it('refuses a stack-name that does not exist before touching anything', async () => {
    const { ecs, cfn } = wizardEnvironment()
    const result = await runOnSim(
      ecs,
      { cluster: 'pr-9', 'delete-stack': 'true', 'stack-name': 'no-such-stack' },
      { cloudformation: cfn.client }
    )
    expect(result.failed).toMatch(/no-such-stack.*does not exist/)
    expect(ecs.mutatingCalls()).toEqual([])
  })

  it('explains DELETE_FAILED with the failed resources and the next command, and a re-run finishes the job', async () => {
    const { ecs, cfn, stack } = wizardEnvironment({ ownsCluster: false, failDeleteOf: 'Vpc' })
    const result = await runOnSim(
      ecs,
      { cluster: 'pr-9', 'delete-stack': 'true' },
      { cloudformation: cfn.client }
    )
    const c = result.report!.clusters[0]!
    expect(c.outcome).toBe('failed')
    expect(c.stack).toMatchObject({ status: 'DELETE_FAILED', deleted: false })
    expect(c.stack!.failedResources).toEqual([
      { logicalId: 'Vpc', type: 'AWS::EC2::VPC', reason: expect.stringContaining('has dependencies') }
    ])
    expect(c.stack!.nextCommand).toContain('--retain-resources Vpc')
    expect(result.failed).toContain('Vpc (AWS::EC2::VPC)')
    expect(result.failed).toContain('aws cloudformation delete-stack')
    expect(c.leftovers).toEqual(
      expect.arrayContaining([expect.objectContaining({ kind: 'stack-resource', id: 'Vpc' })])
    )
    // ECS itself was fully removed before the stack was tried.
    expect(ecs.remaining('pr-9').cluster).toBe('INACTIVE')

    // Someone removes the VPC's dependency; the next run finds the cluster gone and the stack still there.
    for (const r of cfn.stack(stack.id)!.resources) delete r.failsWith
    const again = await runOnSim(
      ecs,
      { cluster: 'pr-9', 'delete-stack': 'true', 'stack-name': 'EC2ContainerService-pr-9' },
      { cloudformation: cfn.client }
    )
    expect(again.failed).toBeUndefined()
    const c2 = again.report!.clusters[0]!
    expect(c2.outcome).toBe('absent')
    expect(c2.stack).toMatchObject({ status: 'DELETE_COMPLETE', deleted: true })
    expect(again.outputs['stacks-deleted']).toBe('1')
  })

  it('leaves the stack alone without delete-stack, and lists it as a blocker in a dry run', async () => {
    const { ecs, cfn, stack } = wizardEnvironment()
    const plain = await runOnSim(ecs, { cluster: 'pr-9' }, { cloudformation: cfn.client })
    expect(plain.failed).toBeUndefined()
    expect(cfn.calls).toHaveLength(0)
    expect(cfn.stack(stack.id)!.status).toBe('CREATE_COMPLETE')

    const protectedEnv = wizardEnvironment({ terminationProtection: true })
    const dry = await runOnSim(
      protectedEnv.ecs,
      { cluster: 'pr-9', 'delete-stack': 'true', 'dry-run': 'true' },
      { cloudformation: protectedEnv.cfn.client }
    )
    expect(dry.failed).toBeUndefined()
    const c = dry.report!.clusters[0]!
    expect(c.plan!.blockers).toEqual([expect.stringContaining('termination protection')])
    expect(c.plan!.steps.at(-1)!.description).toMatch(
      /^Delete stack EC2ContainerService-pr-9, which deletes cluster pr-9/
    )
    expect(protectedEnv.ecs.mutatingCalls()).toEqual([])
    expect(protectedEnv.cfn.mutatingCalls()).toEqual([])
  })
})

describe('delete-stack, cancelled', () => {
  it('reports the stack it did not get to as left behind', async () => {
    const ecs = new EcsSim()
    const cfn = new CfnSim(ecs)
    ecs.createCluster('pr-10')
    ecs.createService('pr-10', 'web', { desiredCount: 1 })
    cfn.createStack('EC2ContainerService-pr-10', { ownsCluster: 'pr-10' })
    const controller = new AbortController()
    ecs.time.at(ecs.now + 10_000, () => controller.abort())
    const result = await runOnSim(
      ecs,
      { cluster: 'pr-10', 'delete-stack': 'true' },
      { cloudformation: cfn.client, signal: controller.signal }
    )
    const c = result.report!.clusters[0]!
    expect(c.outcome).toBe('cancelled')
    expect(c.leftovers).toEqual(
      expect.arrayContaining([expect.objectContaining({ kind: 'stack', id: 'EC2ContainerService-pr-10' })])
    )
    expect(result.summary).toMatch(/\| CloudFormation stack \| 1 \| 0 \| 1 \|/)
    expect(cfn.mutatingCalls()).toEqual([])
  })
})
