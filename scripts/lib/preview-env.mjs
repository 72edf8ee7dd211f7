// Builds in moto the preview environment the demo tears down, and reads back what is left of it.
// The shape follows an ecs-cli / console-wizard setup (shared/seeds/003): the wizard's CloudFormation
// stack EC2ContainerService-<cluster> creates the cluster, a VPC and an Auto Scaling group whose two EC2
// instances join the cluster; a `web` service (amazon/amazon-ecs-sample on port 80) runs one task on
// each instance, and a standalone task runs beside it. Preview environments share one Application Load
// Balancer (outside the stack): each has a target group and a listener rule for its host name; a
// neighbour environment's rule and group are on it too. moto's quirks are in __tests__/e2e/MOTO-NOTES.md.
import {
  CloudFormationClient,
  CreateStackCommand,
  DescribeStacksCommand,
  ListStackResourcesCommand
} from '@aws-sdk/client-cloudformation'
import {
  CreateSubnetCommand,
  CreateVpcCommand,
  DescribeImagesCommand,
  DescribeInstancesCommand,
  EC2Client
} from '@aws-sdk/client-ec2'
import {
  CreateListenerCommand,
  CreateLoadBalancerCommand,
  CreateRuleCommand,
  CreateTargetGroupCommand,
  DescribeRulesCommand,
  DescribeTargetGroupsCommand,
  ElasticLoadBalancingV2Client,
  ModifyTargetGroupAttributesCommand
} from '@aws-sdk/client-elastic-load-balancing-v2'
import {
  CreateCapacityProviderCommand,
  CreateServiceCommand,
  DescribeCapacityProvidersCommand,
  DescribeClustersCommand,
  DescribeContainerInstancesCommand,
  DescribeServicesCommand,
  DescribeTasksCommand,
  ECSClient,
  ListContainerInstancesCommand,
  ListServicesCommand,
  ListTasksCommand,
  PutClusterCapacityProvidersCommand,
  RegisterContainerInstanceCommand,
  RegisterTaskDefinitionCommand,
  RunTaskCommand,
  TagResourceCommand
} from '@aws-sdk/client-ecs'

export const REGION = 'us-east-1'
export const ACCOUNT = '123456789012'
export const DUMMY_CREDENTIALS = { accessKeyId: 'testing', secretAccessKey: 'testing' }

const config = endpoint => ({ endpoint, region: REGION, credentials: DUMMY_CREDENTIALS, maxAttempts: 1 })

/** The console wizard's template, cut down to what moto creates for real (see MOTO-NOTES, CloudFormation). */
function wizardTemplate(clusterName, imageId, instances) {
  return {
    AWSTemplateFormatVersion: '2010-09-09',
    Description: `ECS cluster ${clusterName} with ${instances} EC2 container instances (ecs-teardown demo)`,
    Resources: {
      ECSCluster: { Type: 'AWS::ECS::Cluster', Properties: { ClusterName: clusterName } },
      Vpc: { Type: 'AWS::EC2::VPC', Properties: { CidrBlock: '10.0.0.0/16' } },
      PubSubnetAz1: {
        Type: 'AWS::EC2::Subnet',
        Properties: { VpcId: { Ref: 'Vpc' }, CidrBlock: '10.0.0.0/24', AvailabilityZone: `${REGION}a` }
      },
      EcsSecurityGroup: {
        Type: 'AWS::EC2::SecurityGroup',
        Properties: { GroupDescription: 'ECS Allowed Ports', VpcId: { Ref: 'Vpc' } }
      },
      EcsInstanceLaunchTemplate: {
        Type: 'AWS::EC2::LaunchTemplate',
        Properties: { LaunchTemplateData: { ImageId: imageId, InstanceType: 't3.large' } }
      },
      // moto really launches these instances, and terminates them when the stack is deleted, as AWS does.
      EcsInstanceAsg: {
        Type: 'AWS::AutoScaling::AutoScalingGroup',
        Properties: {
          MinSize: '0',
          MaxSize: String(instances),
          DesiredCapacity: String(instances),
          VPCZoneIdentifier: [{ Ref: 'PubSubnetAz1' }],
          LaunchTemplate: {
            LaunchTemplateId: { Ref: 'EcsInstanceLaunchTemplate' },
            Version: { 'Fn::GetAtt': ['EcsInstanceLaunchTemplate', 'LatestVersionNumber'] }
          },
          Tags: [
            { Key: 'Name', Value: `ECS Instance - EC2ContainerService-${clusterName}`, PropagateAtLaunch: true }
          ]
        }
      }
    }
  }
}

/**
 * Creates the environment and returns what it made. The stack comes first, as on AWS: moto's
 * CreateCluster of an existing name would replace the cluster's tags (MOTO-NOTES), so the cluster is
 * only ever created by the stack here. With `capacityProvider`, the cluster also gets its own Auto
 * Scaling capacity provider on the stack's group (`<cluster>-asg`), attached beside FARGATE as the
 * default strategy, as a console cluster with EC2 capacity has (moto detaches and deletes providers at
 * once: the asynchronous detach AWS has is tested on the simulator).
 */
export async function buildPreviewEnvironment(endpoint, clusterName, { capacityProvider = false } = {}) {
  const ecs = new ECSClient(config(endpoint))
  const ec2 = new EC2Client(config(endpoint))
  const cfn = new CloudFormationClient(config(endpoint))
  const instanceCount = 2

  const images = await ec2.send(
    new DescribeImagesCommand({ Filters: [{ Name: 'name', Values: ['amzn2-ami-ecs-hvm-*'] }] })
  )
  const imageId = images.Images?.[0]?.ImageId ?? 'ami-12c6146b'
  const stackName = `EC2ContainerService-${clusterName}`
  const stackId = required(
    (
      await cfn.send(
        new CreateStackCommand({
          StackName: stackName,
          TemplateBody: JSON.stringify(wizardTemplate(clusterName, imageId, instanceCount))
        })
      )
    ).StackId,
    'CreateStack: StackId'
  )
  const stackStatus = (await cfn.send(new DescribeStacksCommand({ StackName: stackId }))).Stacks?.[0]
    ?.StackStatus
  if (stackStatus !== 'CREATE_COMPLETE') throw new Error(`stack ${stackName} is ${stackStatus}`)
  const resources = (await cfn.send(new ListStackResourcesCommand({ StackName: stackId })))
    .StackResourceSummaries
  const asgName = resources?.find(r => r.LogicalResourceId === 'EcsInstanceAsg')?.PhysicalResourceId

  const cluster = (await ecs.send(new DescribeClustersCommand({ clusters: [clusterName] }))).clusters?.[0]
  if (cluster?.status !== 'ACTIVE') throw new Error(`stack ${stackName} did not create cluster ${clusterName}`)
  const clusterArn = required(cluster.clusterArn, 'DescribeClusters: clusterArn')
  // AWS CloudFormation tags what it creates; moto does not, so add the tags AWS would.
  await ecs.send(
    new TagResourceCommand({
      resourceArn: clusterArn,
      tags: [
        { key: 'aws:cloudformation:stack-name', value: stackName },
        { key: 'aws:cloudformation:stack-id', value: stackId },
        { key: 'aws:cloudformation:logical-id', value: 'ECSCluster' }
      ]
    })
  )

  let provider
  if (capacityProvider) {
    provider = `${clusterName}-asg`
    await ecs.send(
      new CreateCapacityProviderCommand({
        name: provider,
        autoScalingGroupProvider: {
          // moto does not check the group's ARN; its id part is a placeholder.
          autoScalingGroupArn: `arn:aws:autoscaling:${REGION}:${ACCOUNT}:autoScalingGroup:00000000-0000-0000-0000-000000000000:autoScalingGroupName/${required(asgName, 'the Auto Scaling group')}`,
          managedTerminationProtection: 'DISABLED'
        }
      })
    )
    await ecs.send(
      new PutClusterCapacityProvidersCommand({
        cluster: clusterName,
        capacityProviders: [provider, 'FARGATE'],
        defaultCapacityProviderStrategy: [{ capacityProvider: provider, weight: 1 }]
      })
    )
  }

  // The Auto Scaling group's instances join the cluster, as the ECS agent on them would do at boot.
  const reservations = (
    await ec2.send(
      new DescribeInstancesCommand({
        Filters: [
          { Name: 'tag:aws:autoscaling:groupName', Values: [required(asgName, 'the Auto Scaling group')] },
          { Name: 'instance-state-name', Values: ['running'] }
        ]
      })
    )
  ).Reservations
  const ec2Instances = (reservations ?? []).flatMap(r => r.Instances ?? [])
  if (ec2Instances.length !== instanceCount)
    throw new Error(`the Auto Scaling group started ${ec2Instances.length} instances, not ${instanceCount}`)
  const containerInstances = []
  for (const instance of ec2Instances) {
    const identity = {
      accountId: ACCOUNT,
      architecture: 'x86_64',
      availabilityZone: instance.Placement?.AvailabilityZone ?? `${REGION}a`,
      imageId,
      instanceId: instance.InstanceId,
      instanceType: instance.InstanceType ?? 't3.large',
      privateIp: instance.PrivateIpAddress ?? '10.0.0.10',
      region: REGION,
      version: '2017-09-30'
    }
    const registered = await ecs.send(
      new RegisterContainerInstanceCommand({
        cluster: clusterName,
        instanceIdentityDocument: JSON.stringify(identity),
        instanceIdentityDocumentSignature: 'moto-does-not-check-this'
      })
    )
    containerInstances.push({
      arn: required(registered.containerInstance?.containerInstanceArn, 'RegisterContainerInstance: arn'),
      ec2InstanceId: instance.InstanceId
    })
  }

  // The seed's compose service: amazon/amazon-ecs-sample, 0.5 GB, 256 CPU units, host port 80. The port
  // makes moto place the two tasks on different instances, as ECS would.
  const webTaskDefinition = await registerTaskDefinition(ecs, `${clusterName}-web`, {
    name: 'web',
    image: 'amazon/amazon-ecs-sample',
    cpu: 256,
    memory: 512,
    essential: true,
    portMappings: [{ containerPort: 80, hostPort: 80, protocol: 'tcp' }],
    logConfiguration: {
      logDriver: 'awslogs',
      options: { 'awslogs-group': clusterName, 'awslogs-region': REGION, 'awslogs-stream-prefix': 'web' }
    }
  })
  const jobTaskDefinition = await registerTaskDefinition(ecs, `${clusterName}-migrate`, {
    name: 'migrate',
    image: 'amazon/amazon-ecs-sample',
    cpu: 256,
    memory: 512,
    essential: true,
    command: ['sh', '-c', 'echo migrating; sleep 3600']
  })

  const alb = await sharedLoadBalancer(endpoint, clusterName)
  const service = (
    await ecs.send(
      new CreateServiceCommand({
        cluster: clusterName,
        serviceName: 'web',
        taskDefinition: webTaskDefinition,
        desiredCount: 2,
        launchType: 'EC2',
        loadBalancers: [{ targetGroupArn: alb.targetGroupArn, containerName: 'web', containerPort: 80 }]
      })
    )
  ).service
  // moto's CreateService starts no task: start them as the scheduler would (group, startedBy deployment).
  const webTasks = await runTasks(ecs, clusterName, webTaskDefinition, 2, {
    group: 'service:web',
    startedBy: service?.deployments?.[0]?.id ?? 'ecs-svc/demo'
  })
  const jobTasks = await runTasks(ecs, clusterName, jobTaskDefinition, 1, { startedBy: 'ci-job' })

  return {
    clusterName,
    clusterArn,
    ...(provider ? { capacityProvider: provider } : {}),
    stack: { stackName, stackId, resources: (resources ?? []).map(r => r.ResourceType) },
    containerInstances,
    service: { name: 'web', arn: service?.serviceArn, desiredCount: 2 },
    tasks: [...webTasks, ...jobTasks],
    loadBalancer: alb
  }
}

/**
 * The load balancer the preview environments share, in a VPC of its own (two zones, as an ALB needs):
 * an HTTPS-less listener on port 80 answering 404, and for this environment and a neighbour
 * (`preview-pr-41`) a target group and a host rule each.
 */
async function sharedLoadBalancer(endpoint, clusterName) {
  const ec2 = new EC2Client(config(endpoint))
  const elb = new ElasticLoadBalancingV2Client(config(endpoint))
  const vpc = required((await ec2.send(new CreateVpcCommand({ CidrBlock: '10.1.0.0/16' }))).Vpc?.VpcId, 'CreateVpc')
  const subnets = []
  for (const [i, az] of ['a', 'b'].entries()) {
    const subnet = await ec2.send(
      new CreateSubnetCommand({ VpcId: vpc, CidrBlock: `10.1.${i}.0/24`, AvailabilityZone: `${REGION}${az}` })
    )
    subnets.push(required(subnet.Subnet?.SubnetId, 'CreateSubnet'))
  }
  const lb = (await elb.send(new CreateLoadBalancerCommand({ Name: 'previews', Subnets: subnets }))).LoadBalancers?.[0]
  const listenerArn = required(
    (
      await elb.send(
        new CreateListenerCommand({
          LoadBalancerArn: lb?.LoadBalancerArn,
          Protocol: 'HTTP',
          Port: 80,
          DefaultActions: [{ Type: 'fixed-response', FixedResponseConfig: { StatusCode: '404' } }]
        })
      )
    ).Listeners?.[0]?.ListenerArn,
    'CreateListener'
  )
  const environment = async (name, priority) => {
    const targetGroupArn = required(
      (
        await elb.send(
          new CreateTargetGroupCommand({ Name: `${name}-web`, Protocol: 'HTTP', Port: 80, VpcId: vpc, TargetType: 'instance' })
        )
      ).TargetGroups?.[0]?.TargetGroupArn,
      'CreateTargetGroup'
    )
    // A preview environment's setting: a 5 s deregistration delay instead of AWS's 300 s default. The
    // action does not look at a task behind the group before the delay has passed (ECS deregisters it
    // first), and moto's tasks only move on when they are described.
    await elb.send(
      new ModifyTargetGroupAttributesCommand({
        TargetGroupArn: targetGroupArn,
        Attributes: [{ Key: 'deregistration_delay.timeout_seconds', Value: '5' }]
      })
    )
    const ruleArn = required(
      (
        await elb.send(
          new CreateRuleCommand({
            ListenerArn: listenerArn,
            Priority: priority,
            Conditions: [{ Field: 'host-header', Values: [`${name}.preview.example.com`] }],
            Actions: [{ Type: 'forward', TargetGroupArn: targetGroupArn }]
          })
        )
      ).Rules?.[0]?.RuleArn,
      'CreateRule'
    )
    return { targetGroupArn, ruleArn }
  }
  const neighbourName = clusterName === 'preview-pr-41' ? 'preview-pr-40' : 'preview-pr-41'
  const neighbour = await environment(neighbourName, 41)
  const own = await environment(clusterName, 42)
  return { name: 'previews', listenerArn, ...own, neighbour: { name: neighbourName, ...neighbour } }
}

/** Which of the environment's and the neighbour's rules and target groups are still on the shared ALB. */
export async function loadBalancerLeft(endpoint, env) {
  const elb = new ElasticLoadBalancingV2Client(config(endpoint))
  const rules = new Set(
    ((await elb.send(new DescribeRulesCommand({ ListenerArn: env.loadBalancer.listenerArn }))).Rules ?? []).map(
      r => r.RuleArn
    )
  )
  const groups = new Set(
    ((await elb.send(new DescribeTargetGroupsCommand({}))).TargetGroups ?? []).map(g => g.TargetGroupArn)
  )
  const lb = env.loadBalancer
  return {
    ownRule: rules.has(lb.ruleArn),
    ownTargetGroup: groups.has(lb.targetGroupArn),
    neighbourRule: rules.has(lb.neighbour.ruleArn),
    neighbourTargetGroup: groups.has(lb.neighbour.targetGroupArn)
  }
}

/**
 * More services in the environment's cluster, as other pull requests deploy them into a shared
 * cluster: `{ 'pr-42-web': 1, ... }`, each with its own task definition family (no host port, so they
 * fit beside `web`) and its tasks started as the scheduler would. Returns them with their task ids.
 */
export async function addServices(endpoint, env, services) {
  const ecs = new ECSClient(config(endpoint))
  const added = []
  for (const [name, count] of Object.entries(services)) {
    const taskDefinition = await registerTaskDefinition(ecs, name, {
      name: 'app',
      image: 'amazon/amazon-ecs-sample',
      cpu: 256,
      memory: 512,
      essential: true
    })
    const service = (
      await ecs.send(
        new CreateServiceCommand({
          cluster: env.clusterName,
          serviceName: name,
          taskDefinition,
          desiredCount: count,
          launchType: 'EC2'
        })
      )
    ).service
    const tasks = await runTasks(ecs, env.clusterName, taskDefinition, count, {
      group: `service:${name}`,
      startedBy: service?.deployments?.[0]?.id ?? 'ecs-svc/demo'
    })
    added.push({ name, arn: service?.serviceArn, tasks })
  }
  return added
}

async function registerTaskDefinition(ecs, family, container) {
  const registered = await ecs.send(
    new RegisterTaskDefinitionCommand({
      family,
      requiresCompatibilities: ['EC2'],
      networkMode: 'bridge',
      containerDefinitions: [container]
    })
  )
  return required(registered.taskDefinition?.taskDefinitionArn, 'RegisterTaskDefinition: arn')
}

async function runTasks(ecs, cluster, taskDefinition, count, { group, startedBy }) {
  // launchType EC2 explicitly, so that the tasks land on the container instances.
  const result = await ecs.send(
    new RunTaskCommand({
      cluster,
      taskDefinition,
      count,
      launchType: 'EC2',
      startedBy,
      ...(group ? { group } : {})
    })
  )
  const tasks = (result.tasks ?? []).map(task => ({
    id: (task.taskArn ?? '').split('/').pop(),
    arn: task.taskArn,
    group: task.group,
    lastStatus: task.lastStatus,
    containerInstanceArn: task.containerInstanceArn
  }))
  // moto places fewer tasks than asked, silently, when the instances are full.
  if (tasks.length !== count) throw new Error(`RunTask placed ${tasks.length} of ${count} tasks`)
  return tasks
}

/**
 * What is left in moto of the environment. Tasks count by desiredStatus RUNNING: moto's DescribeTasks
 * moves lastStatus towards STOPPED on its own, so only desiredStatus says whether anybody stopped a task.
 */
export async function whatIsLeft(endpoint, env) {
  const ecs = new ECSClient(config(endpoint))
  const ec2 = new EC2Client(config(endpoint))
  const cfn = new CloudFormationClient(config(endpoint))
  const cluster = (await ecs.send(new DescribeClustersCommand({ clusters: [env.clusterArn] }))).clusters?.[0]
  const clusterStatus = cluster?.status ?? 'MISSING'

  // moto keeps an INACTIVE cluster's contents reachable (AWS would not), so look anyway.
  const serviceArns = (await ecs.send(new ListServicesCommand({ cluster: env.clusterArn }))).serviceArns ?? []
  const services = []
  for (let i = 0; i < serviceArns.length; i += 10) {
    const page = await ecs.send(
      new DescribeServicesCommand({ cluster: env.clusterArn, services: serviceArns.slice(i, i + 10) })
    )
    for (const s of page.services ?? []) services.push({ name: s.serviceName, status: s.status })
  }

  const runningArns =
    (await ecs.send(new ListTasksCommand({ cluster: env.clusterArn, desiredStatus: 'RUNNING' }))).taskArns ?? []
  const tasksDesiredRunning = []
  for (let i = 0; i < runningArns.length; i += 100) {
    const page = await ecs.send(
      new DescribeTasksCommand({ cluster: env.clusterArn, tasks: runningArns.slice(i, i + 100) })
    )
    // moto's ListTasks matches the cluster by substring: keep this cluster's tasks only.
    for (const t of page.tasks ?? [])
      if (t.clusterArn === env.clusterArn) tasksDesiredRunning.push((t.taskArn ?? '').split('/').pop())
  }

  const instanceArns =
    (await ecs.send(new ListContainerInstancesCommand({ cluster: env.clusterArn }))).containerInstanceArns ?? []
  const containerInstances = []
  if (instanceArns.length > 0) {
    const page = await ecs.send(
      new DescribeContainerInstancesCommand({ cluster: env.clusterArn, containerInstances: instanceArns })
    )
    for (const ci of page.containerInstances ?? [])
      if (ci.status !== 'INACTIVE') containerInstances.push({ id: ci.ec2InstanceId, status: ci.status })
  }

  const stackStatus = async ref => {
    try {
      return (await cfn.send(new DescribeStacksCommand({ StackName: ref }))).Stacks?.[0]?.StackStatus ?? 'MISSING'
    } catch (error) {
      if (error?.name === 'ValidationError') return 'MISSING'
      throw error
    }
  }

  const ids = env.containerInstances.map(c => c.ec2InstanceId)
  const described = (await ec2.send(new DescribeInstancesCommand({ InstanceIds: ids }))).Reservations ?? []
  const ec2Instances = described
    .flatMap(r => r.Instances ?? [])
    .map(i => ({ id: i.InstanceId, state: i.State?.Name ?? 'unknown' }))

  // moto forgets a deleted capacity provider at once (MISSING); AWS shows it INACTIVE for a while.
  const capacityProvider = env.capacityProvider
    ? ((await ecs.send(new DescribeCapacityProvidersCommand({ capacityProviders: [env.capacityProvider] })))
        .capacityProviders?.[0]?.status ?? 'MISSING')
    : undefined

  return {
    clusterStatus,
    ...(capacityProvider ? { capacityProvider } : {}),
    services: services.filter(s => s.status === 'ACTIVE' || s.status === 'DRAINING'),
    allServices: services,
    tasksDesiredRunning,
    containerInstances,
    stack: { byId: await stackStatus(env.stack.stackId), byName: await stackStatus(env.stack.stackName) },
    ec2Instances
  }
}

function required(value, what) {
  if (value === undefined || value === null) throw new Error(`moto returned no ${what}`)
  return value
}
