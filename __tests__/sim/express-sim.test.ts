import {
  BatchGetDeploymentsCommand,
  ListDeploymentsCommand,
  StopDeploymentCommand
} from '@aws-sdk/client-codedeploy'
import {
  DeleteExpressGatewayServiceCommand,
  DeleteGatewayCommand,
  DeleteServiceCommand,
  DescribeServiceRevisionsCommand,
  DescribeServicesCommand,
  DisassociateGatewayFromClusterCommand,
  GetTaskProtectionCommand,
  ListGatewayClusterAssociationsCommand,
  StopTaskCommand,
  UpdateTaskProtectionCommand
} from '@aws-sdk/client-ecs'
import { describe, expect, it } from '@jest/globals'
import { type Out, rejects, send } from './rule-test.js'
import { SimWorld } from './world.js'

// The rules the simulators learnt for issue 21, each with AWS's refusal or behaviour (ECS and
// CodeDeploy API models).

describe('ECS simulator: Express services', () => {
  function world() {
    const w = new SimWorld()
    w.ecs.createCluster('c1')
    const api = w.createExpressService('c1', 'api', { desiredCount: 2 })
    const classic = w.ecs.createService('c1', 'web', { launchType: 'FARGATE' })
    return { w, api, classic, ecs: w.ecs.client }
  }

  it('describes an Express service with resourceManagementType ECS and its current revision; a classic one without', async () => {
    const { w, ecs } = world()
    const out = await send(ecs, new DescribeServicesCommand({ cluster: 'c1', services: ['api', 'web'] }))
    const [api, web] = out.services as Out[]
    expect(api).toMatchObject({
      resourceManagementType: 'ECS',
      currentServiceRevisions: [{ arn: expect.any(String) }]
    })
    expect(web!.resourceManagementType).toBeUndefined()
    const revisions = await send(
      ecs,
      new DescribeServiceRevisionsCommand({
        serviceRevisionArns: [(api!.currentServiceRevisions as Out[])[0]!.arn as string, 'arn:nope']
      })
    )
    expect((revisions.serviceRevisions as Out[])[0]!.ecsManagedResources).toBeDefined()
    expect(revisions.failures).toEqual([{ arn: 'arn:nope', reason: 'MISSING' }])
    expect(w.ecs.calls.length).toBe(2)
  })

  it('DescribeServiceRevisions takes at most 20 ARNs', async () => {
    const { ecs } = world()
    await rejects(
      send(
        ecs,
        new DescribeServiceRevisionsCommand({
          serviceRevisionArns: Array.from({ length: 21 }, (_, i) => `r${i}`)
        })
      ),
      'InvalidParameterException',
      /maximum of 20/
    )
  })

  it('DeleteExpressGatewayService drains the service; once its tasks stop, ECS removes its load balancer, target group, rule and scaling', async () => {
    const { w, api, ecs } = world()
    const out = await send(ecs, new DeleteExpressGatewayServiceCommand({ serviceArn: api.service.arn }))
    expect((out.service as Out).status).toEqual({ statusCode: 'DRAINING' })
    expect(w.elbv2.targetGroups.has(api.targetGroupArn)).toBe(true)
    await w.ecs.time.sleep(10 * 60_000)
    await send(ecs, new DescribeServicesCommand({ cluster: 'c1', services: ['api'] }))
    expect(w.ecs.serviceStatus(api.service)).toBe('INACTIVE')
    expect(w.elbv2.targetGroups.has(api.targetGroupArn)).toBe(false)
    expect(w.elbv2.rules.has(api.ruleArn)).toBe(false)
    expect(w.elbv2.loadBalancers.has(api.loadBalancer.arn)).toBe(false)
    expect(w.autoscaling.targets.has('service/c1/api')).toBe(false)
  })

  it('DeleteService leaves what ECS made for an Express service (only DeleteExpressGatewayService removes it)', async () => {
    const { w, api, ecs } = world()
    await send(ecs, new DeleteServiceCommand({ cluster: 'c1', service: 'api', force: true }))
    await w.ecs.time.sleep(10 * 60_000)
    await send(ecs, new DescribeServicesCommand({ cluster: 'c1', services: ['api'] }))
    expect(w.ecs.serviceStatus(api.service)).toBe('INACTIVE')
    expect(w.elbv2.targetGroups.has(api.targetGroupArn)).toBe(true)
  })

  it('DeleteExpressGatewayService: ServiceNotFound for an unknown ARN, ServiceNotActive once deleted, and (model assumption) InvalidParameter for a classic service', async () => {
    const { api, classic, ecs } = world()
    await rejects(
      send(ecs, new DeleteExpressGatewayServiceCommand({ serviceArn: `${api.service.arn}-x` })),
      'ServiceNotFoundException'
    )
    await rejects(
      send(ecs, new DeleteExpressGatewayServiceCommand({ serviceArn: classic.arn })),
      'InvalidParameterException'
    )
    await send(ecs, new DeleteExpressGatewayServiceCommand({ serviceArn: api.service.arn }))
    await rejects(
      send(ecs, new DeleteExpressGatewayServiceCommand({ serviceArn: api.service.arn })),
      'ServiceNotActiveException'
    )
  })

  it('a load balancer two Express services share stays until the second is gone', async () => {
    const { w, api, ecs } = world()
    const site = w.createExpressService('c1', 'site', { loadBalancer: api.loadBalancer })
    await send(ecs, new DeleteExpressGatewayServiceCommand({ serviceArn: api.service.arn }))
    await w.ecs.time.sleep(10 * 60_000)
    await send(ecs, new DescribeServicesCommand({ cluster: 'c1', services: ['api'] }))
    expect(w.elbv2.loadBalancers.has(api.loadBalancer.arn)).toBe(true)
    expect(w.elbv2.targetGroups.has(site.targetGroupArn)).toBe(true)
  })
})

describe('ECS simulator: gateways associated with clusters', () => {
  function world() {
    const w = new SimWorld()
    w.ecs.createCluster('c1')
    w.ecs.createService('c1', 'web', { launchType: 'FARGATE' })
    const gateway = w.ecs.createGateway('edge', [{ cluster: 'c1', routeServices: ['web'] }])
    return { w, gateway, ecs: w.ecs.client }
  }

  it('lists the cluster’s associations, filtered by status, and refuses more than 3 statuses', async () => {
    const { gateway, ecs } = world()
    const out = await send(
      ecs,
      new ListGatewayClusterAssociationsCommand({ cluster: 'c1', status: ['ACTIVE'] })
    )
    expect(out.gatewayClusterAssociations).toEqual([
      { gatewayArn: gateway, clusterArn: expect.stringMatching(/cluster\/c1$/), status: 'ACTIVE' }
    ])
    await rejects(
      send(
        ecs,
        new ListGatewayClusterAssociationsCommand({
          cluster: 'c1',
          status: ['ACTIVE', 'DISASSOCIATING', 'INACTIVE', 'ACTIVE'] as never
        })
      ),
      'InvalidParameterException'
    )
  })

  it('a disassociation stays DISASSOCIATING while a service with gateway routes is ACTIVE, and DeleteGateway is refused meanwhile', async () => {
    const { w, gateway, ecs } = world()
    const out = await send(ecs, new DisassociateGatewayFromClusterCommand({ gateway, cluster: 'c1' }))
    expect(out.status).toBe('DISASSOCIATING')
    await rejects(
      send(ecs, new DeleteGatewayCommand({ gateway })),
      'ClientException',
      /ACTIVE or DISASSOCIATING/
    )
    await send(ecs, new DeleteServiceCommand({ cluster: 'c1', service: 'web', force: true }))
    const after = await send(ecs, new ListGatewayClusterAssociationsCommand({ cluster: 'c1' }))
    expect(after.gatewayClusterAssociations).toEqual([])
    await send(ecs, new DeleteGatewayCommand({ gateway }))
    expect(w.ecs.gateways.get(gateway)?.deleted).toBe(true)
  })

  it('DisassociateGatewayFromCluster: GatewayNotFound for an unknown gateway, ResourceNotFound when not associated', async () => {
    const { w, gateway, ecs } = world()
    w.ecs.createCluster('c2')
    await rejects(
      send(ecs, new DisassociateGatewayFromClusterCommand({ gateway: 'nope', cluster: 'c1' })),
      'GatewayNotFoundException'
    )
    await rejects(
      send(ecs, new DisassociateGatewayFromClusterCommand({ gateway, cluster: 'c2' })),
      'ResourceNotFoundException'
    )
  })
})

describe('ECS simulator: task scale-in protection', () => {
  function world() {
    const w = new SimWorld()
    w.ecs.createCluster('c1')
    const web = w.ecs.createService('c1', 'web', { desiredCount: 1, launchType: 'FARGATE' })
    const job = w.ecs.runTask('c1', { family: 'job' })
    return { w, web, task: w.ecs.tasksOf(web)[0]!, job, ecs: w.ecs.client }
  }

  it('the scheduler’s scale-in on DeleteService leaves a protected task until protection is cleared', async () => {
    const { w, task, ecs } = world()
    await send(
      ecs,
      new UpdateTaskProtectionCommand({ cluster: 'c1', tasks: [task.arn], protectionEnabled: true })
    )
    await send(ecs, new DeleteServiceCommand({ cluster: 'c1', service: 'web', force: true }))
    await w.ecs.time.sleep(5 * 60_000)
    expect(w.ecs.taskStatus(task)).toBe('RUNNING')
    const got = await send(ecs, new GetTaskProtectionCommand({ cluster: 'c1', tasks: [task.arn] }))
    expect((got.protectedTasks as Out[])[0]).toMatchObject({ protectionEnabled: true })
    await send(
      ecs,
      new UpdateTaskProtectionCommand({ cluster: 'c1', tasks: [task.arn], protectionEnabled: false })
    )
    await w.ecs.time.sleep(60_000)
    expect(w.ecs.taskStatus(task)).toBe('STOPPED')
  })

  it('StopTask stops a protected task (no scale-in event)', async () => {
    const { w, task, ecs } = world()
    w.ecs.protectTask(task)
    await send(ecs, new StopTaskCommand({ cluster: 'c1', task: task.arn }))
    await w.ecs.time.sleep(60_000)
    expect(w.ecs.taskStatus(task)).toBe('STOPPED')
  })

  it('UpdateTaskProtection: at most 10 tasks, expiresInMinutes 1 to 2880, and a standalone task is a TASK_NOT_VALID failure', async () => {
    const { task, job, ecs } = world()
    await rejects(
      send(
        ecs,
        new UpdateTaskProtectionCommand({
          cluster: 'c1',
          tasks: Array.from({ length: 11 }, () => task.arn),
          protectionEnabled: false
        })
      ),
      'InvalidParameterException'
    )
    await rejects(
      send(
        ecs,
        new UpdateTaskProtectionCommand({
          cluster: 'c1',
          tasks: [task.arn],
          protectionEnabled: true,
          expiresInMinutes: 2881
        })
      ),
      'InvalidParameterException'
    )
    const out = await send(
      ecs,
      new UpdateTaskProtectionCommand({ cluster: 'c1', tasks: [job.arn], protectionEnabled: true })
    )
    expect(out.failures).toEqual([expect.objectContaining({ arn: job.arn, reason: 'TASK_NOT_VALID' })])
  })

  it('protection expires by itself (default 2 hours)', async () => {
    const { w, task, ecs } = world()
    await send(
      ecs,
      new UpdateTaskProtectionCommand({ cluster: 'c1', tasks: [task.arn], protectionEnabled: true })
    )
    await send(ecs, new DeleteServiceCommand({ cluster: 'c1', service: 'web', force: true }))
    await w.ecs.time.sleep(2 * 60 * 60_000 + 60_000)
    expect(w.ecs.taskStatus(task)).toBe('STOPPED')
  })
})

describe('CodeDeploy simulator', () => {
  function world() {
    const w = new SimWorld()
    w.ecs.createCluster('c1')
    const web = w.ecs.createService('c1', 'web', {
      launchType: 'FARGATE',
      deploymentController: 'CODE_DEPLOY'
    })
    const d = w.codedeploy.startDeployment(web)
    return { w, d, cd: w.codedeploy.client, ecs: w.ecs.client }
  }

  it('the replacement task set names the deployment (externalId, startedBy CODE_DEPLOY)', async () => {
    const { d, ecs } = world()
    const out = await send(ecs, new DescribeServicesCommand({ cluster: 'c1', services: ['web'] }))
    expect((out.services as Out[])[0]!.taskSets).toEqual([
      expect.objectContaining({ externalId: d.deploymentId, startedBy: 'CODE_DEPLOY' })
    ])
  })

  it('ECS refuses DeleteService while the deployment is in progress, and accepts it once the deployment is Stopped', async () => {
    const { w, d, cd, ecs } = world()
    await rejects(
      send(ecs, new DeleteServiceCommand({ cluster: 'c1', service: 'web', force: true })),
      'InvalidParameterException',
      /deployments are active/
    )
    const out = await send(
      cd,
      new StopDeploymentCommand({ deploymentId: d.deploymentId, autoRollbackEnabled: false })
    )
    expect(out.status).toBe('Pending')
    await w.ecs.time.sleep(w.codedeploy.stopMs)
    const got = await send(
      cd,
      new BatchGetDeploymentsCommand({ deploymentIds: [d.deploymentId, 'd-UNKNOWN'] })
    )
    expect(got.deploymentsInfo).toEqual([
      expect.objectContaining({ deploymentId: d.deploymentId, status: 'Stopped' })
    ])
    await send(ecs, new DeleteServiceCommand({ cluster: 'c1', service: 'web', force: true }))
  })

  it('BatchGetDeployments takes 1 to 25 IDs; StopDeployment refuses an unknown or finished deployment', async () => {
    const { w, d, cd } = world()
    await rejects(
      send(
        cd,
        new BatchGetDeploymentsCommand({ deploymentIds: Array.from({ length: 26 }, (_, i) => `d-${i}`) })
      ),
      'BatchLimitExceededException'
    )
    await rejects(
      send(cd, new StopDeploymentCommand({ deploymentId: 'd-NOPE' })),
      'DeploymentDoesNotExistException'
    )
    await send(cd, new StopDeploymentCommand({ deploymentId: d.deploymentId }))
    await w.ecs.time.sleep(w.codedeploy.stopMs)
    await rejects(
      send(cd, new StopDeploymentCommand({ deploymentId: d.deploymentId })),
      'DeploymentAlreadyCompletedException'
    )
  })

  it('ListDeployments takes the application and the deployment group together, refuses an unknown group, and filters by status', async () => {
    const { w, d, cd } = world()
    const web = [...w.ecs.services.values()][0]!
    const queued = w.codedeploy.startDeployment(web, 'Queued', false)
    await rejects(
      send(cd, new ListDeploymentsCommand({ applicationName: d.applicationName })),
      'DeploymentGroupNameRequiredException'
    )
    await rejects(
      send(cd, new ListDeploymentsCommand({ applicationName: 'nope', deploymentGroupName: 'nope' })),
      'DeploymentGroupDoesNotExistException'
    )
    const out = await send(
      cd,
      new ListDeploymentsCommand({
        applicationName: d.applicationName,
        deploymentGroupName: d.deploymentGroupName,
        includeOnlyStatuses: ['Queued']
      })
    )
    expect(out.deployments).toEqual([queued.deploymentId])
  })
})
