// Builds a realistic "preview environment" ECS cluster in moto, and reports what is left of one.
// moto's quirks that shape this code are written down in ../MOTO-NOTES.md.
import {
  CreateClusterCommand,
  CreateServiceCommand,
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
  type Task
} from '@aws-sdk/client-ecs'
import { DescribeImagesCommand, EC2Client, RunInstancesCommand } from '@aws-sdk/client-ec2'

export const REGION = 'us-east-1'
export const TEST_CREDENTIALS = { accessKeyId: 'testing', secretAccessKey: 'testing' }

export function awsConfig(endpoint: string) {
  return { endpoint, region: REGION, credentials: TEST_CREDENTIALS, maxAttempts: 1 }
}

export const ecsClient = (endpoint: string): ECSClient => new ECSClient(awsConfig(endpoint))
export const ec2Client = (endpoint: string): EC2Client => new EC2Client(awsConfig(endpoint))

export interface EnvironmentSpec {
  /** The cluster's tags. Default: environment=preview-<cluster>. */
  tags?: Record<string, string>
  /** Service name to desired count (and number of tasks started for it). Default { web: 2, worker: 1 }. */
  services?: Record<string, number>
  /** Standalone tasks started by RunTask with startedBy 'ci-job'. Default 2. */
  standaloneTasks?: number
  /** EC2 container instances. Default 2. */
  instances?: number
  /** Capacity providers attached to the cluster. Default ['FARGATE', 'FARGATE_SPOT']; [] attaches none. */
  capacityProviders?: string[]
}

export interface PreviewEnvironment {
  clusterName: string
  clusterArn: string
  ec2InstanceIds: string[]
  containerInstanceArns: string[]
  taskDefinitionArn: string
  /** Service name to service ARN. */
  services: Record<string, string>
  /** Service name to the ARNs of the tasks started for it (group 'service:NAME'). */
  serviceTasks: Record<string, string[]>
  standaloneTaskArns: string[]
  /** Every task started: service tasks and standalone ones. */
  allTaskArns: string[]
}

/**
 * A cluster as a preview environment leaves it: EC2 container instances, one task definition, services
 * `web` (2) and `worker` (1) with their tasks running, two standalone `ci-job` tasks, and FARGATE capacity
 * providers attached. moto's CreateService starts no task, so each service's tasks are started with RunTask
 * as the ECS scheduler would (group `service:NAME`, startedBy the deployment id `ecs-svc/...`).
 */
export async function buildPreviewEnvironment(
  endpoint: string,
  clusterName: string,
  spec: EnvironmentSpec = {}
): Promise<PreviewEnvironment> {
  const services = spec.services ?? { web: 2, worker: 1 }
  const standaloneCount = spec.standaloneTasks ?? 2
  const instanceCount = spec.instances ?? 2
  const capacityProviders = spec.capacityProviders ?? ['FARGATE', 'FARGATE_SPOT']
  const ecs = ecsClient(endpoint)
  const ec2 = ec2Client(endpoint)

  const cluster = (
    await ecs.send(
      new CreateClusterCommand({
        clusterName,
        tags: Object.entries(spec.tags ?? { environment: `preview-${clusterName}` }).map(([key, value]) => ({
          key,
          value
        }))
      })
    )
  ).cluster
  const clusterArn = required(cluster?.clusterArn, 'CreateCluster: clusterArn')

  if (capacityProviders.length > 0) {
    await ecs.send(
      new PutClusterCapacityProvidersCommand({
        cluster: clusterName,
        capacityProviders,
        defaultCapacityProviderStrategy: [
          { capacityProvider: required(capacityProviders[0], 'provider'), weight: 1 }
        ]
      })
    )
  }

  // EC2 instances, then registered as container instances. moto's RegisterContainerInstance reads only
  // `instanceId` from the identity document, and that instance must exist in moto's EC2 (same region).
  const ec2InstanceIds: string[] = []
  const containerInstanceArns: string[] = []
  if (instanceCount > 0) {
    const images = await ec2.send(
      new DescribeImagesCommand({ Filters: [{ Name: 'name', Values: ['amzn2-ami-ecs-hvm-*'] }] })
    )
    const imageId = images.Images?.[0]?.ImageId ?? 'ami-12c6146b'
    const run = await ec2.send(
      new RunInstancesCommand({
        ImageId: imageId,
        InstanceType: 't3.large',
        MinCount: instanceCount,
        MaxCount: instanceCount,
        TagSpecifications: [
          { ResourceType: 'instance', Tags: [{ Key: 'Name', Value: `${clusterName}-ecs-host` }] }
        ]
      })
    )
    for (const instance of run.Instances ?? []) {
      const instanceId = required(instance.InstanceId, 'RunInstances: InstanceId')
      const identity = {
        accountId: '123456789012',
        architecture: 'x86_64',
        availabilityZone: instance.Placement?.AvailabilityZone ?? `${REGION}a`,
        imageId,
        instanceId,
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
      ec2InstanceIds.push(instanceId)
      containerInstanceArns.push(
        required(registered.containerInstance?.containerInstanceArn, 'RegisterContainerInstance: arn')
      )
    }
  }

  // 512 CPU units / 2 GiB: moto places tasks on the first instance with room (each has 4096 CPU, 7482 MiB),
  // so three tasks fill an instance and the rest go to the next one.
  const taskDefinitionArn = required(
    (
      await ecs.send(
        new RegisterTaskDefinitionCommand({
          family: `${clusterName}-app`,
          requiresCompatibilities: ['EC2'],
          networkMode: 'bridge',
          containerDefinitions: [
            {
              name: 'app',
              image: 'public.ecr.aws/nginx/nginx:stable',
              cpu: 512,
              memory: 2048,
              essential: true
            }
          ]
        })
      )
    ).taskDefinition?.taskDefinitionArn,
    'RegisterTaskDefinition: arn'
  )

  const serviceArns: Record<string, string> = {}
  const serviceTasks: Record<string, string[]> = {}
  for (const [serviceName, desiredCount] of Object.entries(services)) {
    const service = (
      await ecs.send(
        new CreateServiceCommand({
          cluster: clusterName,
          serviceName,
          taskDefinition: taskDefinitionArn,
          desiredCount,
          launchType: 'EC2'
        })
      )
    ).service
    serviceArns[serviceName] = required(service?.serviceArn, 'CreateService: arn')
    const deploymentId = service?.deployments?.[0]?.id ?? `ecs-svc/${Date.now()}`
    serviceTasks[serviceName] =
      desiredCount > 0
        ? await runTasks(
            ecs,
            clusterName,
            taskDefinitionArn,
            desiredCount,
            `service:${serviceName}`,
            deploymentId
          )
        : []
  }

  const standaloneTaskArns =
    standaloneCount > 0
      ? await runTasks(ecs, clusterName, taskDefinitionArn, standaloneCount, undefined, 'ci-job')
      : []

  return {
    clusterName,
    clusterArn,
    ec2InstanceIds,
    containerInstanceArns,
    taskDefinitionArn,
    services: serviceArns,
    serviceTasks,
    standaloneTaskArns,
    allTaskArns: [...Object.values(serviceTasks).flat(), ...standaloneTaskArns]
  }
}

async function runTasks(
  ecs: ECSClient,
  cluster: string,
  taskDefinition: string,
  count: number,
  group: string | undefined,
  startedBy: string
): Promise<string[]> {
  // launchType EC2 explicitly: with no launch type moto (like ECS) uses the cluster's default capacity
  // provider strategy, which is FARGATE here, and the task would land on no container instance.
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
  const arns = (result.tasks ?? []).map(task => required(task.taskArn, 'RunTask: taskArn'))
  // moto places fewer tasks than asked, silently, when the instances are full.
  if (arns.length !== count) {
    throw new Error(
      `RunTask placed ${arns.length} of ${count} tasks (${JSON.stringify(result.failures ?? [])})`
    )
  }
  return arns
}

export interface LeftService {
  name: string
  arn: string
  status: string
  desiredCount: number
  runningCount: number
}

export interface LeftTask {
  arn: string
  lastStatus: string
  desiredStatus: string
  group: string
  startedBy: string
  containerInstanceArn: string
}

export interface LeftContainerInstance {
  arn: string
  ec2InstanceId: string
  status: string
  runningTasksCount: number
}

export interface WhatIsLeft {
  /** 'ACTIVE', 'INACTIVE', ... as DescribeClusters says, or 'MISSING' when it reports a failure. */
  clusterStatus: string
  /** Capacity providers still attached to the cluster. */
  capacityProviders: string[]
  /** Services whose status is ACTIVE or DRAINING (moto keeps listing INACTIVE ones after DeleteService). */
  services: LeftService[]
  /** This cluster's tasks whose lastStatus is not STOPPED. */
  tasks: LeftTask[]
  /**
   * This cluster's tasks whose desiredStatus is still RUNNING: nobody stopped them. In moto only StopTask
   * sets desiredStatus to STOPPED; lastStatus also moves to STOPPED on its own, one step per DescribeTasks
   * call, so a task polled often enough looks stopped though it never was (see MOTO-NOTES.md).
   */
  tasksStillDesiredRunning: LeftTask[]
  /** Container instances still registered (not INACTIVE). */
  containerInstances: LeftContainerInstance[]
}

/**
 * What remains of a cluster, as plain data. Note: DescribeTasks in moto advances each task's lastStatus by
 * one step (RUNNING -> DEACTIVATING -> ...), so calling this moves tasks along; a task nobody stopped still
 * shows up here after one call (as DEACTIVATING) and always in `tasksStillDesiredRunning`.
 */
export async function whatIsLeft(endpoint: string, cluster: string): Promise<WhatIsLeft> {
  const ecs = ecsClient(endpoint)
  const described = await ecs.send(new DescribeClustersCommand({ clusters: [cluster] }))
  const found = described.clusters?.[0]
  if (!found) {
    return {
      clusterStatus: 'MISSING',
      capacityProviders: [],
      services: [],
      tasks: [],
      tasksStillDesiredRunning: [],
      containerInstances: []
    }
  }
  const clusterArn = required(found.clusterArn, 'DescribeClusters: clusterArn')
  // moto keeps an INACTIVE cluster's services, tasks and instances reachable, so look even then.

  const serviceArns = await listAll(async nextToken => {
    const page = await ecs.send(new ListServicesCommand({ cluster: clusterArn, nextToken, maxResults: 100 }))
    return [page.serviceArns ?? [], page.nextToken]
  })
  const services: LeftService[] = []
  for (const batch of chunks(serviceArns, 10)) {
    const page = await ecs.send(new DescribeServicesCommand({ cluster: clusterArn, services: batch }))
    for (const service of page.services ?? []) {
      if (service.status !== 'ACTIVE' && service.status !== 'DRAINING') continue
      services.push({
        name: service.serviceName ?? '',
        arn: service.serviceArn ?? '',
        status: service.status,
        desiredCount: service.desiredCount ?? 0,
        runningCount: service.runningCount ?? 0
      })
    }
  }

  // moto's ListTasks: without desiredStatus it returns STOPPED tasks too, ignores serviceName, and matches
  // the cluster by substring of the task's cluster ARN. So list everything, then keep this cluster's tasks.
  const taskArns = await listAll(async nextToken => {
    const page = await ecs.send(new ListTasksCommand({ cluster: clusterArn, nextToken, maxResults: 100 }))
    return [page.taskArns ?? [], page.nextToken]
  })
  const allTasks: LeftTask[] = []
  for (const batch of chunks(taskArns, 100)) {
    const page = await ecs.send(new DescribeTasksCommand({ cluster: clusterArn, tasks: batch }))
    for (const task of page.tasks ?? []) {
      if (task.clusterArn !== clusterArn) continue
      allTasks.push(leftTask(task))
    }
  }

  const instanceArns = await listAll(async nextToken => {
    const page = await ecs.send(
      new ListContainerInstancesCommand({ cluster: clusterArn, nextToken, maxResults: 100 })
    )
    return [page.containerInstanceArns ?? [], page.nextToken]
  })
  const containerInstances: LeftContainerInstance[] = []
  for (const batch of chunks(instanceArns, 100)) {
    const page = await ecs.send(
      new DescribeContainerInstancesCommand({ cluster: clusterArn, containerInstances: batch })
    )
    for (const instance of page.containerInstances ?? []) {
      if (instance.status === 'INACTIVE') continue
      containerInstances.push({
        arn: instance.containerInstanceArn ?? '',
        ec2InstanceId: instance.ec2InstanceId ?? '',
        status: instance.status ?? '',
        runningTasksCount: instance.runningTasksCount ?? 0
      })
    }
  }

  return {
    clusterStatus: found.status ?? 'UNKNOWN',
    capacityProviders: found.capacityProviders ?? [],
    services,
    tasks: allTasks.filter(task => task.lastStatus !== 'STOPPED'),
    tasksStillDesiredRunning: allTasks.filter(task => task.desiredStatus === 'RUNNING'),
    containerInstances
  }
}

function leftTask(task: Task): LeftTask {
  return {
    arn: task.taskArn ?? '',
    lastStatus: task.lastStatus ?? '',
    desiredStatus: task.desiredStatus ?? '',
    group: task.group ?? '',
    startedBy: task.startedBy ?? '',
    containerInstanceArn: task.containerInstanceArn ?? ''
  }
}

async function listAll(
  page: (nextToken: string | undefined) => Promise<[string[], string | undefined]>
): Promise<string[]> {
  const all: string[] = []
  let token: string | undefined
  for (let pages = 0; pages < 1_000; pages++) {
    const [items, next] = await page(token)
    all.push(...items)
    if (!next) break
    token = next
  }
  return [...new Set(all)]
}

function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = []
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size))
  return out
}

function required<T>(value: T | undefined | null, what: string): T {
  if (value === undefined || value === null) throw new Error(`moto returned no ${what}`)
  return value
}
