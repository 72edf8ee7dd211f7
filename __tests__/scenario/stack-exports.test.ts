import { describe, expect, it } from '@jest/globals'
import { CfnSim } from '../sim/cfn-sim.js'
import { EcsSim } from '../sim/ecs-sim.js'
import { runOnSim } from '../support/harness.js'

/**
 * The layout of AWS's sample templates (nathanpeck/aws-cloudformation-fargate) and of Copilot: one
 * stack for the cluster, its network and load balancer, which exports them, and one stack per
 * service, which imports them (Fn::ImportValue) and owns the service, its task definition, role,
 * log group, target group and listener rule.
 */
function templateLayout(opts: { tagCluster?: boolean; outsider?: boolean } = {}) {
  const ecs = new EcsSim()
  const cfn = new CfnSim(ecs)
  ecs.createCluster('shop')
  ecs.createService('shop', 'web', { desiredCount: 2, launchType: 'FARGATE' })
  ecs.createService('shop', 'api', { desiredCount: 1, launchType: 'FARGATE' })
  const env = cfn.createStack('shop-env', {
    ownsCluster: 'shop',
    tagCluster: opts.tagCluster ?? true,
    resources: [
      { logicalId: 'VPC', type: 'AWS::EC2::VPC' },
      { logicalId: 'PublicSubnetOne', type: 'AWS::EC2::Subnet' },
      { logicalId: 'PublicLoadBalancer', type: 'AWS::ElasticLoadBalancingV2::LoadBalancer' },
      { logicalId: 'PublicLoadBalancerListener', type: 'AWS::ElasticLoadBalancingV2::Listener' }
    ],
    exports: [
      { name: 'shop-env:ClusterName', of: 'ECSCluster' },
      { name: 'shop-env:VPCId', of: 'VPC' },
      { name: 'shop-env:PublicListener', of: 'PublicLoadBalancerListener' }
    ]
  })
  const serviceStack = (service: string) =>
    cfn.createStack(`shop-${service}`, {
      ownsServices: { cluster: 'shop', services: [service] },
      resources: [
        { logicalId: 'TaskDefinition', type: 'AWS::ECS::TaskDefinition' },
        { logicalId: 'TaskRole', type: 'AWS::IAM::Role' },
        { logicalId: 'LogGroup', type: 'AWS::Logs::LogGroup' },
        { logicalId: 'TargetGroup', type: 'AWS::ElasticLoadBalancingV2::TargetGroup' },
        { logicalId: 'LoadBalancerRule', type: 'AWS::ElasticLoadBalancingV2::ListenerRule' }
      ],
      imports: ['shop-env:ClusterName', 'shop-env:VPCId', 'shop-env:PublicListener'],
      deleteTakesMs: 30_000
    })
  const web = serviceStack('web')
  const api = serviceStack('api')
  // A stack of something else that uses the environment's network: it must never go with it.
  const outsider = opts.outsider
    ? cfn.createStack('reporting-db', {
        resources: [
          { logicalId: 'Database', type: 'AWS::RDS::DBInstance', physicalId: 'reporting' },
          { logicalId: 'DbSecurityGroup', type: 'AWS::EC2::SecurityGroup' }
        ],
        imports: ['shop-env:VPCId']
      })
    : undefined
  return { ecs, cfn, env, web, api, outsider }
}

/** A run of delete-stack on the cluster `shop` of this world, with more inputs. */
const tearDown = (world: { ecs: EcsSim; cfn: CfnSim }, inputs: Record<string, string> = {}) =>
  runOnSim(
    world.ecs,
    { cluster: 'shop', 'delete-stack': 'true', ...inputs },
    { cloudformation: world.cfn.client }
  )

const deleteStackCalls = (cfn: CfnSim) =>
  cfn.calls
    .filter(c => c.operation === 'DeleteStack' && !c.error)
    .map(c => ({ stack: cfn.stack(String(c.input.StackName))!.name, at: c.at }))

describe('delete-stack with a cluster stack whose exports the service stacks import', () => {
  it('whole cluster: drains the services, deletes the service stacks, then the cluster stack; the dry run lists the same steps', async () => {
    const dryWorld = templateLayout()
    const dry = await tearDown(dryWorld, { 'dry-run': 'true' })
    expect(dry.failed).toBeUndefined()
    expect(dryWorld.ecs.mutatingCalls()).toEqual([])
    expect(dryWorld.cfn.mutatingCalls()).toEqual([])
    const planned = dry.report!.clusters[0]!.plan!
    expect(planned.blockers).toEqual([])
    const stackSteps = planned.steps.filter(s => /^Delete stacks? /.test(s.description))
    expect(stackSteps.map(s => s.resources)).toEqual([
      ['shop-web', 'shop-api'],
      ['shop-env', 'shop']
    ])
    expect(stackSteps[0]!.description).toContain('shop-web (imports shop-env:ClusterName, shop-env:VPCId')

    const { ecs, cfn, env, web, api } = templateLayout()
    const result = await tearDown({ ecs, cfn })
    expect(result.failed).toBeUndefined()
    for (const s of [env, web, api]) expect(cfn.stack(s.id)!.status).toBe('DELETE_COMPLETE')
    expect(ecs.remaining('shop')).toMatchObject({ cluster: 'INACTIVE', services: [], tasks: [] })

    // The service stacks went first (together), the cluster stack once both were DELETE_COMPLETE.
    const deletes = deleteStackCalls(cfn)
    expect(deletes.map(d => d.stack)).toEqual(['shop-web', 'shop-api', 'shop-env'])
    const envAt = deletes[2]!.at
    expect(envAt).toBeGreaterThanOrEqual(deletes[0]!.at + 30_000)
    for (const importer of [web, api]) {
      const waits = cfn.calls.filter(
        c =>
          c.operation === 'DescribeStacks' &&
          c.at > deletes[0]!.at &&
          c.at <= envAt &&
          c.input.StackName === importer.id
      )
      expect(waits.length).toBeGreaterThan(0)
    }
    // The same stacks, in the same order, as the dry run planned.
    expect(deletes.map(d => d.stack)).toEqual(stackSteps.flatMap(s => s.resources).filter(r => r !== 'shop'))

    const c = result.report!.clusters[0]!
    expect(c.outcome).toBe('deleted')
    expect(c.stack).toMatchObject({ name: 'shop-env', deleted: true, status: 'DELETE_COMPLETE' })
    expect(c.stack!.importers).toEqual([
      expect.objectContaining({ name: 'shop-web', foundBy: 'imports', deleted: true, from: ['shop-env'] }),
      expect.objectContaining({ name: 'shop-api', foundBy: 'imports', deleted: true, from: ['shop-env'] })
    ])
    expect(c.stack!.importers![0]!.imports).toEqual([
      'shop-env:ClusterName',
      'shop-env:VPCId',
      'shop-env:PublicListener'
    ])
    expect(result.outputs['stacks-deleted']).toBe('3')
    expect(result.summary).toContain('| CloudFormation stack | 3 | 3 | 0 |')
  })

  it('deletes an importer of an importer first: waves in the order the plan lists them', async () => {
    const withAlarms = () => {
      const world = templateLayout()
      world.web.exports.push({ name: 'shop-web:TargetGroup', value: 'tg', outputKey: 'TargetGroup' })
      const alarms = world.cfn.createStack('shop-web-alarms', {
        resources: [{ logicalId: 'HighLatency', type: 'AWS::CloudWatch::Alarm' }],
        imports: ['shop-web:TargetGroup']
      })
      return { ...world, alarms }
    }
    const dry = await tearDown(withAlarms(), { 'dry-run': 'true' })
    expect(
      dry
        .report!.clusters[0]!.plan!.steps.filter(st => /^Delete stacks? /.test(st.description))
        .map(st => st.resources)
    ).toEqual([['shop-api', 'shop-web-alarms'], ['shop-web'], ['shop-env', 'shop']])

    const world = withAlarms()
    const alarms = world.alarms
    const result = await tearDown(world)
    expect(result.failed).toBeUndefined()
    expect(world.cfn.stack(alarms.id)!.status).toBe('DELETE_COMPLETE')
    const deletes = deleteStackCalls(world.cfn)
    expect(deletes.map(d => d.stack)).toEqual(['shop-api', 'shop-web-alarms', 'shop-web', 'shop-env'])
    // shop-api imports nothing anyone imports: it goes with the first wave; shop-web once its importer is gone.
    expect(deletes[1]!.at).toBe(deletes[0]!.at)
    expect(deletes[2]!.at).toBeGreaterThan(deletes[1]!.at)
    const c = result.report!.clusters[0]!
    expect(c.stack!.importers!.map(i => [i.name, i.from])).toEqual([
      ['shop-api', ['shop-env']],
      ['shop-web-alarms', ['shop-web']],
      ['shop-web', ['shop-env']]
    ])
    expect(result.outputs['stacks-deleted']).toBe('4')
  })

  it('services mode: the selected service stack goes, the other service stack and the cluster stack stay', async () => {
    const { ecs, cfn, env, web, api } = templateLayout()
    const result = await tearDown({ ecs, cfn }, { services: 'web' })
    expect(result.failed).toBeUndefined()
    expect(cfn.stack(web.id)!.status).toBe('DELETE_COMPLETE')
    expect(cfn.stack(api.id)!.status).toBe('CREATE_COMPLETE')
    expect(cfn.stack(env.id)!.status).toBe('CREATE_COMPLETE')
    expect(deleteStackCalls(cfn).map(d => d.stack)).toEqual(['shop-web'])
    expect(ecs.remaining('shop')).toMatchObject({ cluster: 'ACTIVE', services: ['api:ACTIVE'] })
    const c = result.report!.clusters[0]!
    expect(c.outcome).toBe('services-removed')
    expect(c.stack).toMatchObject({ name: 'shop-web', foundBy: 'tag', deleted: true })
    expect(c.stack!.importers).toBeUndefined()
    expect(result.outputs['stacks-deleted']).toBe('1')
  })

  it('services mode: finds the stack of a service without aws:cloudformation tags by DescribeStackResources', async () => {
    const world = templateLayout()
    const web = [...world.ecs.services.values()].find(x => x.name === 'web')!
    for (const key of Object.keys(web.tags)) if (key.startsWith('aws:cloudformation:')) delete web.tags[key]
    const result = await tearDown(world, { services: 'web' })
    expect(result.failed).toBeUndefined()
    expect(result.report!.clusters[0]!.stack).toMatchObject({
      name: 'shop-web',
      foundBy: 'stack-resource',
      deleted: true
    })
    expect(world.cfn.calls.find(c => c.operation === 'DescribeStackResources')!.input).toEqual({
      PhysicalResourceId: web.arn
    })
    expect(deleteStackCalls(world.cfn).map(d => d.stack)).toEqual(['shop-web'])
  })

  it('services mode: refuses before any change when a stack outside the selection imports the service stack', async () => {
    const { ecs, cfn, web } = templateLayout()
    web.exports.push({ name: 'shop-web:Url', value: 'https://web.example.com', outputKey: 'Url' })
    cfn.createStack('status-page', {
      resources: [{ logicalId: 'Dashboard', type: 'AWS::CloudWatch::Dashboard', physicalId: 'shop' }],
      imports: ['shop-web:Url']
    })
    const result = await tearDown({ ecs, cfn }, { services: 'web' })
    expect(result.failed).toContain('Stack status-page imports shop-web:Url from shop-web')
    expect(result.failed).toContain('shop (AWS::CloudWatch::Dashboard)')
    expect(ecs.mutatingCalls()).toEqual([])
    expect(cfn.mutatingCalls()).toEqual([])
  })

  it('refuses before any change when a stack outside the environment imports its VPC, naming it, the export and what it owns', async () => {
    const { ecs, cfn, env, outsider } = templateLayout({ outsider: true })
    const result = await tearDown({ ecs, cfn })
    expect(result.failed).toMatch(
      /Stack reporting-db imports shop-env:VPCId from shop-env, so it has to be deleted first/
    )
    expect(result.failed).toContain('reporting (AWS::RDS::DBInstance)')
    expect(result.failed).toContain('Nothing was removed.')
    expect(ecs.mutatingCalls()).toEqual([])
    expect(cfn.mutatingCalls()).toEqual([])
    expect(ecs.remaining('shop').services).toEqual(['web:ACTIVE', 'api:ACTIVE'])
    for (const s of [env, outsider!]) expect(cfn.stack(s.id)!.status).toBe('CREATE_COMPLETE')

    // The dry run says the same, as a blocker, and still lists the steps.
    const dryWorld = templateLayout({ outsider: true })
    const dry = await tearDown(dryWorld, { 'dry-run': 'true' })
    expect(dry.report!.clusters[0]!.plan!.blockers).toEqual([
      expect.stringMatching(/^Stack reporting-db imports/)
    ])
    expect(dryWorld.cfn.mutatingCalls()).toEqual([])
  })

  it('refuses before any change when another cluster uses a revision or log group a service stack owns', async () => {
    // Another ACTIVE cluster runs a service on shop-web's revision (what the stack's Ref gives).
    const sharedRevision = () => {
      const world = templateLayout()
      const revision = [...world.ecs.services.values()].find(s => s.name === 'web')!.taskDefinitionArn
      world.web.resources.find(r => r.type === 'AWS::ECS::TaskDefinition')!.physicalId = revision
      world.ecs.createCluster('preview')
      world.ecs.createService('preview', 'web-preview', { taskDefinition: revision, launchType: 'FARGATE' })
      return world
    }
    const { ecs, cfn, env, web, api } = sharedRevision()
    const result = await tearDown({ ecs, cfn })
    expect(result.failed).toMatch(
      /Stack shop-web imports shop-env:ClusterName, .* from shop-env, so it has to be deleted first, but it also owns what is not part of this environment: web:1 \(AWS::ECS::TaskDefinition\), still used by cluster preview \(service web-preview\)/
    )
    expect(result.failed).toContain('Nothing was removed.')
    expect(ecs.mutatingCalls()).toEqual([])
    expect(cfn.mutatingCalls()).toEqual([])
    expect(ecs.remaining('shop').services).toEqual(['web:ACTIVE', 'api:ACTIVE'])
    for (const s of [env, web, api]) expect(cfn.stack(s.id)!.status).toBe('CREATE_COMPLETE')

    const dryWorld = sharedRevision()
    const dry = await tearDown(dryWorld, { 'dry-run': 'true' })
    expect(dry.report!.clusters[0]!.plan!.blockers).toEqual([
      expect.stringMatching(
        /^Stack shop-web imports .*web:1 \(AWS::ECS::TaskDefinition\), still used by cluster preview/
      )
    ])
    expect(dryWorld.cfn.mutatingCalls()).toEqual([])

    // A service of another cluster writes to shop-api's log group (delete-log-groups is off).
    const logs = templateLayout()
    const logGroup = logs.api.resources.find(r => r.type === 'AWS::Logs::LogGroup')!.physicalId
    logs.ecs.registerTaskDefinition('reporter', { logGroup })
    logs.ecs.createCluster('batch')
    logs.ecs.createService('batch', 'reporter', { taskDefinition: 'reporter', launchType: 'FARGATE' })
    const refused = await tearDown(logs)
    expect(refused.failed).toContain(
      `Stack shop-api imports shop-env:ClusterName, shop-env:VPCId, shop-env:PublicListener from shop-env, so it has to be deleted first, but it also owns what is not part of this environment: ${logGroup} (AWS::Logs::LogGroup), task definition reporter:1 writes to it and is still used by cluster batch (service reporter)`
    )
    expect(logs.ecs.mutatingCalls()).toEqual([])
    expect(logs.cfn.mutatingCalls()).toEqual([])
  })

  it('refuses before any change when a service of another cluster uses a target group a service stack owns', async () => {
    const world = templateLayout()
    const targetGroup =
      'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/shop-api/0123456789abcdef'
    world.api.resources.find(r => r.type === 'AWS::ElasticLoadBalancingV2::TargetGroup')!.physicalId =
      targetGroup
    world.ecs.createCluster('canary')
    world.ecs.createService('canary', 'api-canary', {
      launchType: 'FARGATE',
      loadBalancers: [{ targetGroupArn: targetGroup, containerName: 'api', containerPort: 80 }]
    })
    const result = await tearDown(world)
    expect(result.failed).toContain(
      'it also owns what is not part of this environment: shop-api/0123456789abcdef (AWS::ElasticLoadBalancingV2::TargetGroup), still used by cluster canary (service api-canary)'
    )
    expect(result.failed).toContain('Stack shop-api imports shop-env:ClusterName')
    expect(world.ecs.mutatingCalls()).toEqual([])
    expect(world.cfn.mutatingCalls()).toEqual([])
  })

  it('refuses before any change when who else uses what a service stack owns cannot be known', async () => {
    const world = templateLayout()
    world.ecs.createCluster('preview')
    world.ecs.createService('preview', 'web-preview', { launchType: 'FARGATE' })
    world.ecs.denyWhen = (operation, input) =>
      operation === 'ListServices' && String(input.cluster).endsWith('/preview')
    const result = await tearDown(world)
    expect(result.failed).toMatch(
      /Stack shop-web imports .* so it has to be deleted first, but whether another cluster uses what it owns \(.*AWS::ECS::TaskDefinition.*\) cannot be known: reading the other clusters was denied \(cluster preview\)/
    )
    expect(world.ecs.mutatingCalls()).toEqual([])
    expect(world.cfn.mutatingCalls()).toEqual([])
  })

  it('finds a cluster stack without aws:cloudformation tags by DescribeStackResources, and removes the whole environment', async () => {
    const { ecs, cfn, env, web, api } = templateLayout({ tagCluster: false })
    const result = await tearDown({ ecs, cfn })
    expect([result.failed, result.report!.clusters[0]!.stack]).toEqual([
      undefined,
      expect.objectContaining({
        name: 'shop-env',
        foundBy: 'stack-resource',
        ownsCluster: true,
        deleted: true
      })
    ])
    for (const s of [env, web, api]) expect(cfn.stack(s.id)!.status).toBe('DELETE_COMPLETE')
    // CloudFormation named it: no name was guessed.
    expect(cfn.countCalls('ListStacks')).toBe(0)
  })

  it('gives the next step that fits when CloudFormation gives up on an export still in use', async () => {
    const { ecs, cfn, env } = templateLayout()
    // Someone deploys a new importer after the inventory looked.
    cfn.beforeCall = (operation, input) => {
      if (operation === 'DeleteStack' && input.StackName === env.id && !cfn.stack('late-job')) {
        cfn.createStack('late-job', { imports: ['shop-env:VPCId'] })
      }
    }
    const result = await tearDown({ ecs, cfn })
    const c = result.report!.clusters[0]!
    expect(c.outcome).toBe('failed')
    expect(cfn.stack(env.id)!.status).toBe('CREATE_COMPLETE')
    expect(c.stack).toMatchObject({
      status: 'CREATE_COMPLETE',
      deleted: false,
      statusReason: 'Export shop-env:VPCId cannot be deleted as it is in use by late-job'
    })
    expect(c.stack!.nextCommand).toMatch(/^aws cloudformation list-imports --export-name shop-env:VPCId/)
    expect(c.stack!.nextCommand).toContain('late-job')
    expect(c.stack!.nextCommand).not.toContain('FORCE_DELETE_STACK')
    expect(result.failed).toContain('list-imports')
    expect(c.leftovers).toEqual(
      expect.arrayContaining([expect.objectContaining({ kind: 'stack', id: 'shop-env' })])
    )
    // The service stacks were deleted before it, as planned.
    expect(c.stack!.importers!.every(i => i.deleted)).toBe(true)
    expect(result.outputs['stacks-deleted']).toBe('2')
  })
})
