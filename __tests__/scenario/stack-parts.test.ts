import { DeleteStackCommand } from '@aws-sdk/client-cloudformation'
import { DeleteServiceCommand } from '@aws-sdk/client-ecs'
import { describe, expect, it } from '@jest/globals'
import { deleteStack, nextCommand, type StackDeletionReport } from '../../src/stack/delete.js'
import { MemoryLogger } from '../../src/log.js'
import {
  findStack,
  isStackTarget,
  stackDeleteToken,
  type ClusterRef,
  type StackLookup,
  type StackTarget
} from '../../src/stack/find.js'
import { stackRefusal, stackReport } from '../../src/stack/refusal.js'
import type { StackContext } from '../../src/stack/describe.js'
import { CancelledError } from '../../src/util/errors.js'
import { Pool } from '../../src/util/pool.js'
import { CfnSim, type CfnSimOptions } from '../sim/cfn-sim.js'
import { EcsSim } from '../sim/ecs-sim.js'

// The delete-stack parts (discovery, the early refusal, the deletion) on the strict simulators.

function setup(options: CfnSimOptions = {}) {
  const ecs = new EcsSim()
  const cfn = new CfnSim(ecs, options)
  const controller = new AbortController()
  const log = new MemoryLogger()
  const ctx: StackContext = {
    pool: new Pool(10),
    clock: ecs.time.clock,
    sleep: ecs.time.sleep,
    signal: controller.signal,
    log,
    deadline: ecs.time.clock() + 30 * 60_000,
    cloudformation: cfn.client
  }
  return { ecs, cfn, ctx, controller, log }
}

function clusterRef(ecs: EcsSim, name: string): ClusterRef {
  const c = [...ecs.clusters.values()].find(x => x.name === name)!
  return { name: c.name, arn: c.arn, tags: { ...c.tags } }
}

function target(lookup: StackLookup): StackTarget {
  if (!isStackTarget(lookup)) throw new Error(`expected a stack, got ${JSON.stringify(lookup)}`)
  return lookup
}

const opts = (ctx: StackContext, token = 'ecs-teardown-1-1-abc') => ({
  clientRequestToken: token,
  deadline: ctx.deadline,
  pollIntervalMs: 5_000
})

describe('findStack: which stack built the cluster', () => {
  it('takes stack-name first, by name or by ARN, over every other candidate', async () => {
    const { ecs, cfn, ctx } = setup()
    ecs.createCluster('c1')
    cfn.createStack('EC2ContainerService-c1', { ownsCluster: 'c1' })
    const mine = cfn.createStack('my-stack')
    const byName = target(await findStack(ctx, clusterRef(ecs, 'c1'), 'my-stack'))
    expect(byName).toMatchObject({ name: 'my-stack', id: mine.id, foundBy: 'stack-name', ownsCluster: false })
    const byArn = target(await findStack(ctx, clusterRef(ecs, 'c1'), mine.id))
    expect(byArn).toMatchObject({ name: 'my-stack', foundBy: 'stack-name' })
  })

  it("follows the cluster's aws:cloudformation tag to a stack of any name, and sees it owns the cluster", async () => {
    const { ecs, cfn, ctx } = setup()
    ecs.createCluster('c1')
    const s = cfn.createStack('platform-preview-42', { ownsCluster: 'c1' })
    const found = target(await findStack(ctx, clusterRef(ecs, 'c1')))
    expect(found).toMatchObject({
      name: 'platform-preview-42',
      id: s.id,
      foundBy: 'tag',
      status: 'CREATE_COMPLETE',
      ownsCluster: true,
      terminationProtection: false
    })
  })

  it('without tags, asks CloudFormation which stack holds the cluster before trying the names', async () => {
    const { ecs, cfn, ctx } = setup()
    ecs.createCluster('c1')
    // A look-alike name that does not hold the cluster.
    cfn.createStack('EC2ContainerService-c1')
    const built = cfn.createStack('built-by-hand', { ownsCluster: 'c1', tagCluster: false })
    expect(target(await findStack(ctx, clusterRef(ecs, 'c1')))).toMatchObject({
      name: 'built-by-hand',
      id: built.id,
      foundBy: 'stack-resource',
      ownsCluster: true
    })
    expect(cfn.calls.map(c => c.operation)).toEqual([
      'DescribeStackResources',
      'DescribeStacks',
      'ListStackResources'
    ])
  })

  it('does not take a resource of another type bearing the cluster name for the cluster', async () => {
    const { ecs, cfn, ctx } = setup()
    ecs.createCluster('c1')
    cfn.createStack('logs', {
      resources: [{ logicalId: 'Logs', type: 'AWS::Logs::LogGroup', physicalId: 'c1' }]
    })
    const lookup = await findStack(ctx, clusterRef(ecs, 'c1'))
    expect(isStackTarget(lookup)).toBe(false)
    expect(cfn.countCalls('DescribeStackResources')).toBe(1)
  })

  it('falls back to the console wizard name, then the ecs-cli name, for stacks that do not hold the cluster', async () => {
    const { ecs, cfn, ctx } = setup()
    ecs.createCluster('c1')
    ecs.createCluster('c2')
    // The wizard's stack with the cluster out of it (the cluster re-created by hand, say).
    cfn.createStack('EC2ContainerService-c1', { resources: [{ logicalId: 'Vpc', type: 'AWS::EC2::VPC' }] })
    // ecs-cli's stack holds the VPC and the Auto Scaling group, not the cluster.
    cfn.createStack('amazon-ecs-cli-setup-c2', {
      resources: [
        { logicalId: 'Vpc', type: 'AWS::EC2::VPC' },
        { logicalId: 'EcsInstanceAsg', type: 'AWS::AutoScaling::AutoScalingGroup' }
      ]
    })
    expect(target(await findStack(ctx, clusterRef(ecs, 'c1')))).toMatchObject({
      foundBy: 'console-wizard-name',
      ownsCluster: false
    })
    expect(target(await findStack(ctx, clusterRef(ecs, 'c2')))).toMatchObject({
      name: 'amazon-ecs-cli-setup-c2',
      foundBy: 'ecs-cli-name',
      ownsCluster: false
    })
  })

  it('finds the current console stack (8-hex suffix) among every page of ListStacks, skipping deleted and look-alike stacks', async () => {
    const { ecs, cfn, ctx } = setup({ listPageSize: 3, deleteTakesMs: 0 })
    ecs.createCluster('c1')
    for (let i = 0; i < 7; i++) cfn.createStack(`unrelated-${i}`)
    cfn.createStack('Infra-ECS-Cluster-c1-0000dead')
    await cfn.client.send(
      new DeleteStackCommand({
        StackName: 'Infra-ECS-Cluster-c1-0000dead'
      })
    )
    cfn.createStack('Infra-ECS-Cluster-c1x-1a2b3c4d')
    cfn.createStack('Infra-ECS-Cluster-c1-extra-1a2b3c4d')
    // Not holding the cluster (else DescribeStackResources names it before the names are tried).
    const s = cfn.createStack('Infra-ECS-Cluster-c1-9f8e7d6c')
    const found = target(await findStack(ctx, clusterRef(ecs, 'c1')))
    expect(found).toMatchObject({ name: s.name, id: s.id, foundBy: 'console-name', ownsCluster: false })
    expect(cfn.countCalls('ListStacks')).toBe(4)
    expect(stackRefusal(found)).toBeUndefined()
  })

  it('picks, among several console stacks, the one that owns the cluster; refuses to guess when none does', async () => {
    const { ecs, cfn, ctx } = setup()
    ecs.createCluster('c1')
    ecs.createCluster('c2')
    cfn.createStack('Infra-ECS-Cluster-c1-11111111')
    cfn.createStack('Infra-ECS-Cluster-c1-22222222', { ownsCluster: 'c1', tagCluster: false })
    expect(target(await findStack(ctx, clusterRef(ecs, 'c1'))).name).toBe('Infra-ECS-Cluster-c1-22222222')
    cfn.createStack('Infra-ECS-Cluster-c2-11111111')
    cfn.createStack('Infra-ECS-Cluster-c2-22222222')
    const ambiguous = target(await findStack(ctx, clusterRef(ecs, 'c2')))
    expect(stackRefusal(ambiguous)).toMatch(/Several stacks .*Infra-ECS-Cluster-c2-11111111.*stack-name/)
  })

  it('reports what it searched when there is no stack, including a tag that names a deleted stack', async () => {
    const { ecs, cfn, ctx } = setup({ deleteTakesMs: 0 })
    ecs.createCluster('c1', { tags: { 'aws:cloudformation:stack-name': 'gone' } })
    cfn.createStack('gone')
    await cfn.client.send(new DeleteStackCommand({ StackName: 'gone' }))
    const lookup = await findStack(ctx, clusterRef(ecs, 'c1'))
    expect(lookup).toEqual({
      notFound: true,
      searched: [
        'gone',
        'the stack holding AWS::ECS::Cluster c1 (DescribeStackResources)',
        'EC2ContainerService-c1',
        'amazon-ecs-cli-setup-c1',
        'Infra-ECS-Cluster-c1-<8 hex>'
      ]
    })
    // Nothing was asked for, so nothing is refused: the report says NOT_FOUND.
    expect(stackRefusal(lookup)).toBeUndefined()
    expect(stackReport(lookup)).toMatchObject({ name: '', status: 'NOT_FOUND', deleted: false })
    expect(cfn.mutatingCalls()).toEqual(['DeleteStack'])
  })
})

describe('stackRefusal: what would make the deletion fail, known before the cluster is touched', () => {
  it('refuses termination protection, says how to turn it off, and never turns it off itself', async () => {
    const { ecs, cfn, ctx } = setup()
    ecs.createCluster('c1')
    cfn.createStack('EC2ContainerService-c1', { ownsCluster: 'c1', terminationProtection: true })
    const found = target(await findStack(ctx, clusterRef(ecs, 'c1')))
    expect(found.terminationProtection).toBe(true)
    expect(stackRefusal(found)).toMatch(
      /termination protection enabled.*never turns it off.*update-termination-protection --no-enable-termination-protection --stack-name EC2ContainerService-c1/
    )
    expect(cfn.mutatingCalls()).toEqual([])
  })

  it('refuses a stack in an operation that blocks deletion, but not DELETE_FAILED, DELETE_IN_PROGRESS or REVIEW_IN_PROGRESS', async () => {
    const { ecs, cfn, ctx } = setup()
    ecs.createCluster('c1')
    const cases: [string, RegExp | undefined][] = [
      ['UPDATE_IN_PROGRESS', /is UPDATE_IN_PROGRESS.*cancel-update-stack/],
      ['UPDATE_COMPLETE_CLEANUP_IN_PROGRESS', /cannot start a deletion/],
      ['CREATE_IN_PROGRESS', /cannot start a deletion/],
      ['UPDATE_ROLLBACK_IN_PROGRESS', /cannot start a deletion/],
      ['DELETE_FAILED', undefined],
      ['DELETE_IN_PROGRESS', undefined],
      ['REVIEW_IN_PROGRESS', undefined],
      ['UPDATE_ROLLBACK_COMPLETE', undefined]
    ]
    for (const [status, refusal] of cases) {
      const s = cfn.createStack(`s-${status}`, { status })
      const found = target(await findStack(ctx, clusterRef(ecs, 'c1'), s.name))
      if (refusal) expect(stackRefusal(found)).toMatch(refusal)
      else expect(stackRefusal(found)).toBeUndefined()
    }
  })

  it('refuses a stack-name that does not exist, or was already deleted', async () => {
    const { ecs, cfn, ctx } = setup({ deleteTakesMs: 0 })
    ecs.createCluster('c1')
    const missing = await findStack(ctx, clusterRef(ecs, 'c1'), 'typo-stack')
    expect(missing).toMatchObject({ notFound: true, requested: 'typo-stack', searched: ['typo-stack'] })
    expect(stackRefusal(missing)).toMatch(/Stack typo-stack \(input 'stack-name'\) does not exist/)
    const s = cfn.createStack('old')
    await cfn.client.send(new DeleteStackCommand({ StackName: 'old' }))
    const deleted = await findStack(ctx, clusterRef(ecs, 'c1'), s.id)
    expect(stackRefusal(deleted)).toMatch(/already deleted \(DELETE_COMPLETE\)/)
  })
})

describe('deleteStack', () => {
  it('waits on the StackId until DELETE_COMPLETE, and the owned cluster is gone with it', async () => {
    const { ecs, cfn, ctx } = setup()
    ecs.createCluster('c1')
    const s = cfn.createStack('EC2ContainerService-c1', { ownsCluster: 'c1', deleteTakesMs: 42_000 })
    const found = target(await findStack(ctx, clusterRef(ecs, 'c1')))
    const started = ecs.time.clock()
    const report = await deleteStack(ctx, found, opts(ctx))
    expect(report).toMatchObject({
      name: 'EC2ContainerService-c1',
      id: s.id,
      foundBy: 'tag',
      status: 'DELETE_COMPLETE',
      ownsCluster: true,
      deleted: true,
      failedResources: []
    })
    expect(report.nextCommand).toBeUndefined()
    // The wait ends after the deletion did, at most one poll interval (5 s) later.
    expect(ecs.time.clock() - started).toBeGreaterThanOrEqual(42_000)
    expect(ecs.time.clock() - started).toBeLessThanOrEqual(47_000)
    const deletes = cfn.calls.filter(c => c.operation === 'DeleteStack')
    expect(deletes.map(c => c.input)).toEqual([
      { StackName: s.id, ClientRequestToken: 'ecs-teardown-1-1-abc' }
    ])
    // Every poll after the deletion names the stack by id: by name it would read "does not exist".
    const polls = cfn.calls.filter(c => c.operation === 'DescribeStacks' && c.at > started)
    // After 2, 4 and 8 s, then every 5 s: the one at 43 s sees DELETE_COMPLETE.
    expect(polls.length).toBe(10)
    expect(polls.every(c => c.input.StackName === s.id)).toBe(true)
    expect(ecs.remaining('c1').cluster).toBe('INACTIVE')
  })

  it('explains DELETE_FAILED with the logical ids, types and reasons of this deletion only, and the command to run next', async () => {
    const { ecs, cfn, ctx } = setup({ eventsPageSize: 3 })
    ecs.createCluster('c1')
    ecs.createService('c1', 'web', { desiredCount: 1 })
    cfn.createStack('EC2ContainerService-c1', {
      ownsCluster: 'c1',
      resources: [
        { logicalId: 'Vpc', type: 'AWS::EC2::VPC' },
        { logicalId: 'EcsInstanceAsg', type: 'AWS::AutoScaling::AutoScalingGroup' }
      ],
      failDeleteOf: 'Vpc',
      failReason: "The vpc 'vpc-0abc' has dependencies and cannot be deleted.",
      deleteTakesMs: 10_000
    })
    // A wrong order: the stack is deleted while the cluster still runs a service.
    const first = await deleteStack(
      ctx,
      target(await findStack(ctx, clusterRef(ecs, 'c1'))),
      opts(ctx, 'attempt-1')
    )
    expect(first).toMatchObject({ status: 'DELETE_FAILED', deleted: false })
    expect(first.statusReason).toBe('The following resource(s) failed to delete: [Vpc, ECSCluster]. ')
    expect(first.failedResources).toEqual([
      {
        logicalId: 'ECSCluster',
        type: 'AWS::ECS::Cluster',
        reason: expect.stringContaining('The Cluster cannot be deleted while Services are active.')
      },
      {
        logicalId: 'Vpc',
        type: 'AWS::EC2::VPC',
        reason: "The vpc 'vpc-0abc' has dependencies and cannot be deleted."
      }
    ])
    expect(first.nextCommand).toBe(
      'aws cloudformation delete-stack --stack-name EC2ContainerService-c1 --region us-east-1 --retain-resources ECSCluster Vpc'
    )

    // The service is drained and deleted; the next attempt fails only on the VPC, and says only that.
    await ecs.client.send(new DeleteServiceCommand({ cluster: 'c1', service: 'web', force: true }))
    await ecs.time.sleep(60_000)
    const second = await deleteStack(
      ctx,
      target(await findStack(ctx, clusterRef(ecs, 'c1'))),
      opts(ctx, 'attempt-2')
    )
    expect(second.failedResources.map(f => f.logicalId)).toEqual(['Vpc'])
    expect(second.nextCommand).toMatch(/--retain-resources Vpc$/)
    expect(ecs.remaining('c1').cluster).toBe('INACTIVE')
  })

  it('stops at the deadline with the last status seen', async () => {
    const { ecs, cfn, ctx } = setup()
    ecs.createCluster('c1')
    cfn.createStack('EC2ContainerService-c1', { ownsCluster: 'c1', deleteTakesMs: 10 * 60_000 })
    const found = target(await findStack(ctx, clusterRef(ecs, 'c1')))
    const deadline = ecs.time.clock() + 60_000
    const report = await deleteStack(ctx, found, { ...opts(ctx), deadline })
    expect(report).toMatchObject({ status: 'DELETE_IN_PROGRESS', deleted: false })
    expect(ecs.time.clock()).toBe(deadline)
  })

  it('throws on cancellation, leaving the last status seen in the report it was given', async () => {
    const { ecs, cfn, ctx, controller } = setup()
    ecs.createCluster('c1')
    cfn.createStack('EC2ContainerService-c1', { ownsCluster: 'c1', deleteTakesMs: 10 * 60_000 })
    const found = target(await findStack(ctx, clusterRef(ecs, 'c1')))
    const report: StackDeletionReport = stackReport(found)
    ecs.time.at(ecs.time.clock() + 12_000, () => controller.abort())
    await expect(deleteStack(ctx, found, { ...opts(ctx), report })).rejects.toBeInstanceOf(CancelledError)
    expect(report).toMatchObject({
      name: 'EC2ContainerService-c1',
      status: 'DELETE_IN_PROGRESS',
      deleted: false
    })
  })

  it('throws a clear error when CloudFormation refuses after all (protection turned on since the check)', async () => {
    const { ecs, cfn, ctx } = setup()
    ecs.createCluster('c1')
    const s = cfn.createStack('EC2ContainerService-c1', { ownsCluster: 'c1' })
    const found = target(await findStack(ctx, clusterRef(ecs, 'c1')))
    s.terminationProtection = true
    await expect(deleteStack(ctx, found, opts(ctx))).rejects.toThrow(
      'CloudFormation refused to delete stack EC2ContainerService-c1: Stack [EC2ContainerService-c1] cannot be deleted while TerminationProtection is enabled'
    )
  })

  it('counts a stack that vanished, even by id, as deleted', async () => {
    const { ecs, cfn, ctx } = setup()
    ecs.createCluster('c1')
    const s = cfn.createStack('EC2ContainerService-c1', { ownsCluster: 'c1', deleteTakesMs: 1_000 })
    const found = target(await findStack(ctx, clusterRef(ecs, 'c1')))
    cfn.beforeCall = op => {
      if (op === 'DescribeStacks') cfn.stacks.splice(cfn.stacks.indexOf(s), 1)
    }
    expect(await deleteStack(ctx, found, opts(ctx))).toMatchObject({
      status: 'DELETE_COMPLETE',
      deleted: true
    })
  })
})

describe('the ClientRequestToken: one deletion per run attempt', () => {
  it('is deterministic per run attempt, differs between attempts and stacks, and is what CloudFormation accepts', () => {
    const run = { runId: '9876543210', runAttempt: '1', startedAt: 0 }
    const token = stackDeleteToken('arn:aws:cloudformation:us-east-1:123456789012:stack/s/1', run)
    expect(token).toMatch(/^ecs-teardown-9876543210-1-[0-9a-f]{16}$/)
    expect(stackDeleteToken('arn:aws:cloudformation:us-east-1:123456789012:stack/s/1', run)).toBe(token)
    expect(
      stackDeleteToken('arn:aws:cloudformation:us-east-1:123456789012:stack/s/1', { ...run, runAttempt: '2' })
    ).not.toBe(token)
    expect(stackDeleteToken('arn:aws:cloudformation:us-east-1:123456789012:stack/t/2', run)).not.toBe(token)
    const local = stackDeleteToken('s', { startedAt: 1_700_000_000_000 })
    expect(local).toMatch(/^ecs-teardown-local1700000000000-1-[0-9a-f]{16}$/)
    const odd = stackDeleteToken('s', { runId: 'x'.repeat(300) + '!_/', runAttempt: '3', startedAt: 0 })
    expect(odd).toMatch(/^[a-zA-Z0-9][-a-zA-Z0-9]*$/)
    expect(odd.length).toBeLessThanOrEqual(128)
  })

  it('starts one deletion when the same attempt asks twice, and waits on a deletion already running', async () => {
    const { ecs, cfn, ctx } = setup()
    ecs.createCluster('c1')
    const s = cfn.createStack('EC2ContainerService-c1', { ownsCluster: 'c1', deleteTakesMs: 30_000 })
    const found = target(await findStack(ctx, clusterRef(ecs, 'c1')))
    const token = stackDeleteToken(s.id, { runId: '7', runAttempt: '1', startedAt: 0 })
    // Two calls with the same token (an SDK retry after a lost answer looks the same to CloudFormation).
    const [a, b] = await Promise.all([
      deleteStack(ctx, found, opts(ctx, token)),
      deleteStack(ctx, found, opts(ctx, token))
    ])
    expect([a.deleted, b.deleted]).toEqual([true, true])
    expect(s.events.filter(e => e.logicalId === s.name && e.status === 'DELETE_IN_PROGRESS')).toHaveLength(1)

    // A run that finds the deletion already running (an earlier, cancelled attempt) only waits.
    ecs.createCluster('c2')
    const t = cfn.createStack('EC2ContainerService-c2', { ownsCluster: 'c2', deleteTakesMs: 30_000 })
    await cfn.client.send(new DeleteStackCommand({ StackName: t.id, ClientRequestToken: 'earlier' }))
    const running = target(await findStack(ctx, clusterRef(ecs, 'c2')))
    expect(running.status).toBe('DELETE_IN_PROGRESS')
    expect(stackRefusal(running)).toBeUndefined()
    const before = cfn.countCalls('DeleteStack')
    expect(await deleteStack(ctx, running, opts(ctx))).toMatchObject({
      deleted: true,
      status: 'DELETE_COMPLETE'
    })
    expect(cfn.countCalls('DeleteStack')).toBe(before)
  })

  it("re-running the same attempt does not retry a DELETE_FAILED stack; the next attempt's token does", async () => {
    const { ecs, cfn, ctx } = setup()
    ecs.createCluster('c1')
    ecs.createService('c1', 'web', { desiredCount: 1 })
    const s = cfn.createStack('EC2ContainerService-c1', { ownsCluster: 'c1', deleteTakesMs: 10_000 })
    const attempt1 = stackDeleteToken(s.id, { runId: '7', runAttempt: '1', startedAt: 0 })
    const attempt2 = stackDeleteToken(s.id, { runId: '7', runAttempt: '2', startedAt: 0 })
    const failed = await deleteStack(
      ctx,
      target(await findStack(ctx, clusterRef(ecs, 'c1'))),
      opts(ctx, attempt1)
    )
    expect(failed.status).toBe('DELETE_FAILED')
    await ecs.client.send(new DeleteServiceCommand({ cluster: 'c1', service: 'web', force: true }))
    await ecs.time.sleep(60_000)
    const again = await deleteStack(
      ctx,
      target(await findStack(ctx, clusterRef(ecs, 'c1'))),
      opts(ctx, attempt1)
    )
    expect(again).toMatchObject({ status: 'DELETE_FAILED', deleted: false })
    const retried = await deleteStack(
      ctx,
      target(await findStack(ctx, clusterRef(ecs, 'c1'))),
      opts(ctx, attempt2)
    )
    expect(retried).toMatchObject({ status: 'DELETE_COMPLETE', deleted: true })
    expect(ecs.remaining('c1').cluster).toBe('INACTIVE')
  })
})

describe('nextCommand', () => {
  it('forces the deletion when no failed resource is known', () => {
    expect(
      nextCommand({ name: 's', id: 'arn:aws:cloudformation:eu-west-1:123456789012:stack/s/1' }, [])
    ).toBe(
      'aws cloudformation delete-stack --stack-name s --region eu-west-1 --deletion-mode FORCE_DELETE_STACK'
    )
  })

  it('sends a person to list-imports, not to a forced deletion, when an export is in use (aws/aws-cdk#604 wording)', () => {
    expect(
      nextCommand(
        { name: 'vpc-demo', id: 'arn:aws:cloudformation:eu-west-1:123456789012:stack/vpc-demo/1' },
        [],
        'Export vpc-demo:DemoVPCPublicSubnetIDs0C2D9BEE cannot be deleted as it is in use by cdk-vpc-to-cfn-elb-demo and elb-cfn-demo'
      )
    ).toBe(
      'aws cloudformation list-imports --export-name vpc-demo:DemoVPCPublicSubnetIDs0C2D9BEE --region eu-west-1 (imported by cdk-vpc-to-cfn-elb-demo, elb-cfn-demo: delete or change those stacks first), then aws cloudformation delete-stack --stack-name vpc-demo --region eu-west-1'
    )
  })
})
