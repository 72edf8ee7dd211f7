import {
  CloudFormationServiceException,
  DeleteStackCommand,
  DescribeStackEventsCommand,
  DescribeStackResourcesCommand,
  DescribeStacksCommand,
  ListExportsCommand,
  ListImportsCommand,
  ListStackResourcesCommand,
  ListStacksCommand,
  type StackEvent
} from '@aws-sdk/client-cloudformation'
import { DeleteClusterCommand, DeleteServiceCommand } from '@aws-sdk/client-ecs'
import { describe, expect, it } from '@jest/globals'
import { CfnSim } from './cfn-sim.js'
import { EcsSim } from './ecs-sim.js'
import { rejects } from './rule-test.js'

// The simulator is only worth something if it refuses what CloudFormation refuses. One test per rule.

function setup(opts: ConstructorParameters<typeof CfnSim>[1] = {}) {
  const ecs = new EcsSim()
  const cfn = new CfnSim(ecs, opts)
  return { ecs, cfn, send: (command: object) => cfn.client.send(command) as Promise<Record<string, unknown>> }
}

async function status(send: (c: object) => Promise<Record<string, unknown>>, ref: string): Promise<string> {
  const out = (await send(new DescribeStacksCommand({ StackName: ref }))) as {
    Stacks: { StackStatus: string }[]
  }
  return out.Stacks[0]!.StackStatus
}

describe('strict CloudFormation simulator', () => {
  it('answers a missing stack with ValidationError "Stack with id X does not exist", shaped as the SDK shapes it', async () => {
    const { send } = setup()
    const error = await send(new DescribeStacksCommand({ StackName: 'nope' })).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(CloudFormationServiceException)
    expect(error).toMatchObject({
      name: 'ValidationError',
      message: 'Stack with id nope does not exist',
      $fault: 'client',
      Code: 'ValidationError'
    })
  })

  it('describes a deleted stack by StackId (DELETE_COMPLETE) but not by name', async () => {
    const { cfn, ecs, send } = setup()
    const s = cfn.createStack('s1', { deleteTakesMs: 1_000 })
    await send(new DeleteStackCommand({ StackName: 's1' }))
    await ecs.time.sleep(1_000)
    expect(await status(send, s.id)).toBe('DELETE_COMPLETE')
    await rejects(
      send(new DescribeStacksCommand({ StackName: 's1' })),
      'ValidationError',
      /^Stack with id s1 does not exist$/
    )
    await rejects(
      send(new ListStackResourcesCommand({ StackName: 's1' })),
      'ValidationError',
      /does not exist/
    )
  })

  it('deletes asynchronously: DELETE_IN_PROGRESS until deleteTakesMs has passed in virtual time', async () => {
    const { cfn, ecs, send } = setup()
    const s = cfn.createStack('s1', { deleteTakesMs: 30_000 })
    await send(new DeleteStackCommand({ StackName: s.id }))
    expect(await status(send, s.id)).toBe('DELETE_IN_PROGRESS')
    await ecs.time.sleep(29_000)
    expect(await status(send, 's1')).toBe('DELETE_IN_PROGRESS')
    await ecs.time.sleep(1_000)
    expect(await status(send, s.id)).toBe('DELETE_COMPLETE')
  })

  it("refuses to delete a stack with termination protection, with CloudFormation's message", async () => {
    const { cfn, send } = setup()
    cfn.createStack('s1', { terminationProtection: true })
    await rejects(
      send(new DeleteStackCommand({ StackName: 's1' })),
      'ValidationError',
      /^Stack \[s1\] cannot be deleted while TerminationProtection is enabled$/
    )
    expect(await status(send, 's1')).toBe('CREATE_COMPLETE')
  })

  it('refuses to delete a stack while another operation is in progress', async () => {
    const { cfn, send } = setup()
    cfn.createStack('s1', { status: 'UPDATE_IN_PROGRESS' })
    await rejects(
      send(new DeleteStackCommand({ StackName: 's1' })),
      'ValidationError',
      /cannot be deleted while in status UPDATE_IN_PROGRESS/
    )
  })

  it('ends DELETE_FAILED while the owned cluster holds services, quoting ECS, and leaves the cluster', async () => {
    const { cfn, ecs, send } = setup()
    ecs.createCluster('c1')
    ecs.createService('c1', 'web', { desiredCount: 2 })
    const s = cfn.createStack('EC2ContainerService-c1', { ownsCluster: 'c1', deleteTakesMs: 5_000 })
    await send(new DeleteStackCommand({ StackName: s.id }))
    await ecs.time.sleep(5_000)
    expect(await status(send, s.id)).toBe('DELETE_FAILED')
    const resource = cfn.stack(s.id)!.resources.find(r => r.logicalId === 'ECSCluster')!
    expect(resource.status).toBe('DELETE_FAILED')
    expect(resource.reason).toContain('The Cluster cannot be deleted while Services are active.')
    expect(ecs.remaining('c1').cluster).toBe('ACTIVE')
    // A DELETE_FAILED stack is live: still described by name.
    expect(await status(send, 'EC2ContainerService-c1')).toBe('DELETE_FAILED')
  })

  it('ends DELETE_FAILED while the cluster has tasks that are not STOPPED or registered container instances', async () => {
    const { cfn, ecs, send } = setup()
    ecs.createCluster('c1')
    ecs.runTask('c1', { family: 'job' })
    ecs.createCluster('c2')
    ecs.registerContainerInstance('c2')
    const a = cfn.createStack('a', { ownsCluster: 'c1', deleteTakesMs: 1_000 })
    const b = cfn.createStack('b', { ownsCluster: 'c2', deleteTakesMs: 1_000 })
    await send(new DeleteStackCommand({ StackName: 'a' }))
    await send(new DeleteStackCommand({ StackName: 'b' }))
    await ecs.time.sleep(1_000)
    cfn.settle()
    expect(a.resources[0]!.reason).toContain('The Cluster cannot be deleted while Tasks are active.')
    expect(b.resources[0]!.reason).toContain(
      'The Cluster cannot be deleted while Container Instances are active or draining.'
    )
  })

  it("quotes the very message the ECS simulator's DeleteCluster gives", async () => {
    const { cfn, ecs, send } = setup()
    ecs.createCluster('c1')
    ecs.createService('c1', 'web', { desiredCount: 1 })
    const ecsError = await ecs.client.send(new DeleteClusterCommand({ cluster: 'c1' })).catch((e: Error) => e)
    const s = cfn.createStack('s', { ownsCluster: 'c1', deleteTakesMs: 0 })
    await send(new DeleteStackCommand({ StackName: 's' }))
    cfn.settle()
    expect(s.resources[0]!.reason).toContain((ecsError as Error).message)
    expect(s.resources[0]!.reason).toContain((ecsError as Error).name)
  })

  it('really deletes the owned cluster in the ECS simulator when the cluster is empty', async () => {
    const { cfn, ecs, send } = setup()
    ecs.createCluster('c1')
    const s = cfn.createStack('s', { ownsCluster: 'c1', deleteTakesMs: 2_000 })
    expect(ecs.clusters.get(s.resources[0]!.clusterArn!)!.tags['aws:cloudformation:stack-name']).toBe('s')
    await send(new DeleteStackCommand({ StackName: 's' }))
    expect(ecs.remaining('c1').cluster).toBe('ACTIVE')
    await ecs.time.sleep(2_000)
    expect(await status(send, s.id)).toBe('DELETE_COMPLETE')
    expect(ecs.remaining('c1').cluster).toBe('INACTIVE')
  })

  it('deletes the ECS services it owns (tagged with the stack), and counts one already deleted as deleted', async () => {
    const { ecs, cfn, send } = setup()
    ecs.createCluster('shared')
    const web = ecs.createService('shared', 'pr-1-web', { desiredCount: 2 })
    const api = ecs.createService('shared', 'pr-1-api', { desiredCount: 1 })
    const other = ecs.createService('shared', 'pr-2-web', { desiredCount: 1 })
    cfn.createStack('pr-1', { ownsServices: { cluster: 'shared', services: ['pr-1-web', 'pr-1-api'] } })
    expect(web.tags['aws:cloudformation:stack-name']).toBe('pr-1')
    const resources = (await send(new ListStackResourcesCommand({ StackName: 'pr-1' }))) as {
      StackResourceSummaries: { ResourceType: string; PhysicalResourceId: string }[]
    }
    expect(resources.StackResourceSummaries.map(r => [r.ResourceType, r.PhysicalResourceId])).toEqual([
      ['AWS::ECS::Service', web.arn],
      ['AWS::ECS::Service', api.arn]
    ])
    await ecs.client.send(new DeleteServiceCommand({ cluster: 'shared', service: 'pr-1-api', force: true }))
    await send(new DeleteStackCommand({ StackName: 'pr-1' }))
    await ecs.time.sleep(60_000)
    expect(await status(send, cfn.stack('pr-1')!.id)).toBe('DELETE_COMPLETE')
    await ecs.time.sleep(60_000)
    expect(ecs.remaining('shared').services).toEqual(['pr-2-web:ACTIVE'])
    expect(other.deletedAt).toBeUndefined()
  })

  it('does not start a second deletion for a repeated ClientRequestToken, and refuses a token used on another stack', async () => {
    const { cfn, ecs, send } = setup()
    const s = cfn.createStack('s', {
      failDeleteOf: 'Vpc',
      resources: [{ logicalId: 'Vpc', type: 'AWS::EC2::VPC' }],
      deleteTakesMs: 1_000
    })
    cfn.createStack('other')
    await send(new DeleteStackCommand({ StackName: 's', ClientRequestToken: 'tok-1' }))
    await ecs.time.sleep(1_000)
    expect(await status(send, 's')).toBe('DELETE_FAILED')
    // The same token again is the same request: the failed deletion is not retried.
    await send(new DeleteStackCommand({ StackName: 's', ClientRequestToken: 'tok-1' }))
    expect(await status(send, 's')).toBe('DELETE_FAILED')
    expect(s.events.filter(e => e.logicalId === 's' && e.status === 'DELETE_IN_PROGRESS')).toHaveLength(1)
    // A new token is a new deletion.
    await send(new DeleteStackCommand({ StackName: 's', ClientRequestToken: 'tok-2' }))
    expect(await status(send, 's')).toBe('DELETE_IN_PROGRESS')
    await rejects(
      send(new DeleteStackCommand({ StackName: 'other', ClientRequestToken: 'tok-1' })),
      'TokenAlreadyExistsException'
    )
  })

  it('refuses a ClientRequestToken outside [a-zA-Z0-9][-a-zA-Z0-9]* or longer than 128', async () => {
    const { cfn, send } = setup()
    cfn.createStack('s')
    await rejects(
      send(new DeleteStackCommand({ StackName: 's', ClientRequestToken: '-x' })),
      'ValidationError',
      /clientRequestToken/
    )
    await rejects(
      send(new DeleteStackCommand({ StackName: 's', ClientRequestToken: 'a_b' })),
      'ValidationError',
      /clientRequestToken/
    )
    await rejects(
      send(new DeleteStackCommand({ StackName: 's', ClientRequestToken: 'a'.repeat(129) })),
      'ValidationError'
    )
    expect(await status(send, 's')).toBe('CREATE_COMPLETE')
  })

  it('answers DeleteStack of an unknown or deleted stack with success, starting nothing', async () => {
    const { cfn, send } = setup()
    await expect(send(new DeleteStackCommand({ StackName: 'nope' }))).resolves.toEqual({})
    expect(cfn.stacks).toHaveLength(0)
  })

  it('takes RetainResources and FORCE_DELETE_STACK only on a DELETE_FAILED stack, and then keeps those resources', async () => {
    const { cfn, ecs, send } = setup()
    const s = cfn.createStack('s', {
      resources: [
        { logicalId: 'Vpc', type: 'AWS::EC2::VPC' },
        { logicalId: 'Logs', type: 'AWS::Logs::LogGroup' }
      ],
      failDeleteOf: 'Vpc',
      deleteTakesMs: 1_000
    })
    await rejects(
      send(new DeleteStackCommand({ StackName: 's', RetainResources: ['Vpc'] })),
      'ValidationError',
      /DELETE_FAILED/
    )
    await send(new DeleteStackCommand({ StackName: 's', ClientRequestToken: 'a' }))
    await ecs.time.sleep(1_000)
    expect(await status(send, 's')).toBe('DELETE_FAILED')
    await rejects(
      send(new DeleteStackCommand({ StackName: 's', RetainResources: ['Logs'] })),
      'ValidationError',
      /Logs/
    )
    await send(new DeleteStackCommand({ StackName: 's', ClientRequestToken: 'b', RetainResources: ['Vpc'] }))
    await ecs.time.sleep(1_000)
    expect(await status(send, s.id)).toBe('DELETE_COMPLETE')
    expect(s.resources.map(r => [r.logicalId, r.status])).toEqual([
      ['Vpc', 'DELETE_SKIPPED'],
      ['Logs', 'DELETE_COMPLETE']
    ])
  })

  it('pages ListStacks with NextToken, filters on StackStatusFilter, lists deleted stacks, and refuses unknown statuses', async () => {
    const { cfn, send } = setup({ listPageSize: 3, deleteTakesMs: 0 })
    for (let i = 0; i < 8; i++) cfn.createStack(`s${i}`)
    await send(new DeleteStackCommand({ StackName: 's0' }))
    cfn.settle()
    const seen: string[] = []
    let token: string | undefined
    let pages = 0
    do {
      const page = (await send(new ListStacksCommand({ NextToken: token }))) as {
        StackSummaries: { StackName: string; StackStatus: string }[]
        NextToken?: string
      }
      expect(page.StackSummaries.length).toBeLessThanOrEqual(3)
      seen.push(...page.StackSummaries.map(s => `${s.StackName}:${s.StackStatus}`))
      token = page.NextToken
      pages++
    } while (token)
    expect(pages).toBe(3)
    expect(seen).toHaveLength(8)
    expect(seen).toContain('s0:DELETE_COMPLETE')
    const live = (await send(new ListStacksCommand({ StackStatusFilter: ['CREATE_COMPLETE'] }))) as {
      StackSummaries: unknown[]
    }
    expect(live.StackSummaries).toHaveLength(3)
    await rejects(send(new ListStacksCommand({ StackStatusFilter: ['NOPE' as never] })), 'ValidationError')
    await rejects(send(new ListStacksCommand({ NextToken: 'garbage' })), 'ValidationError')
  })

  it('pages ListStackResources and DescribeStackEvents (newest first); DescribeStackResources answers all at once', async () => {
    const { cfn, send } = setup({ resourcesPageSize: 2, eventsPageSize: 4 })
    const resources = Array.from({ length: 5 }, (_, i) => ({ logicalId: `R${i}`, type: 'AWS::SNS::Topic' }))
    cfn.createStack('s', { resources })
    const ids: string[] = []
    let token: string | undefined
    do {
      const page = (await send(new ListStackResourcesCommand({ StackName: 's', NextToken: token }))) as {
        StackResourceSummaries: { LogicalResourceId: string }[]
        NextToken?: string
      }
      expect(page.StackResourceSummaries.length).toBeLessThanOrEqual(2)
      ids.push(...page.StackResourceSummaries.map(r => r.LogicalResourceId))
      token = page.NextToken
    } while (token)
    expect(ids).toEqual(['R0', 'R1', 'R2', 'R3', 'R4'])
    const all = (await send(new DescribeStackResourcesCommand({ StackName: 's' }))) as {
      StackResources: unknown[]
    }
    expect(all.StackResources).toHaveLength(5)

    await send(new DeleteStackCommand({ StackName: 's' }))
    const events: StackEvent[] = []
    token = undefined
    do {
      const page = (await send(new DescribeStackEventsCommand({ StackName: 's', NextToken: token }))) as {
        StackEvents: StackEvent[]
        NextToken?: string
      }
      expect(page.StackEvents.length).toBeLessThanOrEqual(4)
      events.push(...page.StackEvents)
      token = page.NextToken
    } while (token)
    // 2 + 5×2 creation events, 1 + 5 for the deletion's start.
    expect(events).toHaveLength(18)
    expect(events[events.length - 1]).toMatchObject({
      LogicalResourceId: 's',
      ResourceStatus: 'CREATE_IN_PROGRESS'
    })
    const starts = events.findIndex(
      e => e.LogicalResourceId === 's' && e.ResourceStatus === 'DELETE_IN_PROGRESS'
    )
    expect(events.slice(0, starts).every(e => e.ResourceStatus === 'DELETE_IN_PROGRESS')).toBe(true)
  })

  it('shows exports as Outputs with ExportName, and lists them with ListExports (paged)', async () => {
    const { cfn, send } = setup({ exportsPageSize: 2 })
    const env = cfn.createStack('env', {
      resources: [{ logicalId: 'Vpc', type: 'AWS::EC2::VPC', physicalId: 'vpc-1' }],
      exports: [{ name: 'env:VpcId', of: 'Vpc' }, { name: 'env:A' }, { name: 'env:B' }]
    })
    const out = (await send(new DescribeStacksCommand({ StackName: 'env' }))) as {
      Stacks: { Outputs?: { OutputValue: string; ExportName: string }[] }[]
    }
    expect(out.Stacks[0]!.Outputs).toContainEqual(
      expect.objectContaining({ OutputValue: 'vpc-1', ExportName: 'env:VpcId' })
    )
    const names: string[] = []
    let token: string | undefined
    do {
      const page = (await send(new ListExportsCommand({ NextToken: token }))) as {
        Exports: { Name: string; ExportingStackId: string }[]
        NextToken?: string
      }
      expect(page.Exports.length).toBeLessThanOrEqual(2)
      expect(page.Exports.every(e => e.ExportingStackId === env.id)).toBe(true)
      names.push(...page.Exports.map(e => e.Name))
      token = page.NextToken
    } while (token)
    expect(names).toEqual(['env:VpcId', 'env:A', 'env:B'])
    expect(() => cfn.createStack('other', { exports: [{ name: 'env:A' }] })).toThrow(/already exported/)
    expect(() => cfn.createStack('svc', { imports: ['nope'] })).toThrow(/No export named nope/)
  })

  it('names the importing stacks with ListImports, and answers ValidationError when nothing imports the export', async () => {
    const { cfn, send } = setup()
    cfn.createStack('env', { exports: [{ name: 'env:Cluster' }, { name: 'env:Unused' }] })
    cfn.createStack('svc-a', { imports: ['env:Cluster'] })
    cfn.createStack('svc-b', { imports: ['env:Cluster'] })
    const out = (await send(new ListImportsCommand({ ExportName: 'env:Cluster' }))) as { Imports: string[] }
    expect(out.Imports).toEqual(['svc-a', 'svc-b'])
    await rejects(
      send(new ListImportsCommand({ ExportName: 'env:Unused' })),
      'ValidationError',
      /^Export 'env:Unused' is not imported by any stack\.$/
    )
  })

  it('accepts deleting a stack whose export is in use, then returns it to its status with "Export X cannot be deleted as it is in use by Y", touching no resource', async () => {
    const { cfn, ecs, send } = setup({ exportCheckMs: 1_000 })
    const env = cfn.createStack('env', {
      resources: [{ logicalId: 'Vpc', type: 'AWS::EC2::VPC' }],
      exports: [{ name: 'env:VpcId', of: 'Vpc' }]
    })
    const a = cfn.createStack('svc-a', { imports: ['env:VpcId'], deleteTakesMs: 5_000 })
    cfn.createStack('svc-b', { imports: ['env:VpcId'], deleteTakesMs: 5_000 })
    await send(new DeleteStackCommand({ StackName: 'env', ClientRequestToken: 't1' }))
    expect(await status(send, env.id)).toBe('DELETE_IN_PROGRESS')
    await ecs.time.sleep(1_000)
    const out = (await send(new DescribeStacksCommand({ StackName: env.id }))) as {
      Stacks: { StackStatus: string; StackStatusReason: string }[]
    }
    expect(out.Stacks[0]).toMatchObject({
      StackStatus: 'CREATE_COMPLETE',
      StackStatusReason: 'Export env:VpcId cannot be deleted as it is in use by svc-a and svc-b'
    })
    expect(env.resources[0]!.status).toBe('CREATE_COMPLETE')
    expect(env.events.filter(e => e.status.startsWith('DELETE') && e.logicalId !== 'env')).toEqual([])
    // Once the importers are gone, the same stack deletes.
    await send(new DeleteStackCommand({ StackName: a.id }))
    await send(new DeleteStackCommand({ StackName: 'svc-b' }))
    await ecs.time.sleep(5_000)
    await rejects(
      send(new ListImportsCommand({ ExportName: 'env:VpcId' })),
      'ValidationError',
      /not imported/
    )
    await send(new DeleteStackCommand({ StackName: 'env', ClientRequestToken: 't2' }))
    await ecs.time.sleep(60_000)
    expect(await status(send, env.id)).toBe('DELETE_COMPLETE')
  })

  it('finds the stack that owns a resource with DescribeStackResources by PhysicalResourceId, refusing StackName with it', async () => {
    const { cfn, ecs, send } = setup()
    ecs.createCluster('c1')
    const s = cfn.createStack('built-it', {
      ownsCluster: 'c1',
      tagCluster: false,
      resources: [{ logicalId: 'Logs', type: 'AWS::Logs::LogGroup' }]
    })
    const out = (await send(new DescribeStackResourcesCommand({ PhysicalResourceId: 'c1' }))) as {
      StackResources: {
        StackName: string
        StackId: string
        ResourceType: string
        PhysicalResourceId: string
      }[]
    }
    expect(out.StackResources).toEqual([
      expect.objectContaining({
        StackName: 'built-it',
        StackId: s.id,
        ResourceType: 'AWS::ECS::Cluster',
        PhysicalResourceId: 'c1'
      })
    ])
    await rejects(
      send(new DescribeStackResourcesCommand({ PhysicalResourceId: 'c2' })),
      'ValidationError',
      /does not exist/
    )
    await rejects(
      send(new DescribeStackResourcesCommand({ StackName: 'built-it', PhysicalResourceId: 'c1' })),
      'ValidationError'
    )
  })

  it('records every call, and answers denied operations with AccessDenied', async () => {
    const { cfn, send } = setup()
    cfn.createStack('s')
    cfn.denied.add('DeleteStack')
    await rejects(
      send(new DeleteStackCommand({ StackName: 's' })),
      'AccessDenied',
      /cloudformation:DeleteStack/
    )
    expect(cfn.calls.map(c => [c.operation, c.error])).toEqual([['DeleteStack', 'AccessDenied']])
    expect(cfn.mutatingCalls()).toEqual(['DeleteStack'])
  })
})
