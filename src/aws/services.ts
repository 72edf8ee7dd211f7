import { ECSClient } from '@aws-sdk/client-ecs'
import type { ServiceInfo } from '../inventory/index.js'
import type { Settings } from '../settings.js'
import type { SendPort } from './call.js'
import { sdk } from './sdk.js'

/** What every client is built with (createAwsClients). */
export type ClientConfig = Record<string, unknown>
type ClientClass = new (config: ClientConfig) => SendPort

/** The moments a run knows it will call a service, and starts loading its client's code. */
export interface WarmWhen {
  /** The cluster exists: from the settings (a run that finds its cluster absent loads none). */
  clusterFound?: (settings: Settings) => boolean
  /** Its services are described: from what they hold (target groups, registries, task sets). */
  servicesFound?: (services: readonly ServiceInfo[]) => boolean
}

export interface AwsService {
  /** Its name in the log when a caller (the benchmark) did not provide it. */
  title: string
  /** Its SDK package, for the IAM policy check (__tests__/repo/iam-policy.test.ts). */
  package: `@aws-sdk/client-${string}`
  /** IAM's prefix for its actions (docs/permissions.md). */
  iam: string
  /** Its client class: at hand (ECS, called by every run) or loaded with its package on first use. */
  client: { eager: ClientClass } | { lazy: () => Promise<ClientClass> }
  /** Every run is given it; any other may be left out by a caller that drives ECS alone. */
  required?: true
  warm?: WarmWhen
}

const always = (): boolean => true

/**
 * The AWS services of a run, one entry each: the one place a new service's client is added. The
 * clients (createAwsClients), the ports a caller may leave out (relatedPorts) and the warm-up
 * (warmAwsClients) are derived from it. The services around a cluster keep it busy or keep billing
 * after it is gone: EventBridge rules and Scheduler schedules that start its tasks, the EC2 and
 * Systems Manager instances behind its container instances, its log groups, its Service Connect
 * namespace, the load-balancer rules and target groups of its services, their scalable targets and
 * the alarms of their scaling policies, and the CodeDeploy deployments of its blue/green services.
 */
export const AWS_SERVICES = {
  ecs: {
    title: 'ECS',
    package: '@aws-sdk/client-ecs',
    iam: 'ecs',
    client: { eager: ECSClient },
    required: true
  },
  cloudformation: {
    title: 'CloudFormation',
    package: '@aws-sdk/client-cloudformation',
    iam: 'cloudformation',
    client: { lazy: async () => (await sdk.cloudformation()).CloudFormationClient },
    required: true,
    warm: { clusterFound: s => s.deleteStack }
  },
  events: {
    title: 'EventBridge',
    package: '@aws-sdk/client-eventbridge',
    iam: 'events',
    client: { lazy: async () => (await sdk.eventbridge()).EventBridgeClient },
    warm: { clusterFound: s => s.triggers !== 'keep' }
  },
  scheduler: {
    title: 'EventBridge Scheduler',
    package: '@aws-sdk/client-scheduler',
    iam: 'scheduler',
    client: { lazy: async () => (await sdk.scheduler()).SchedulerClient },
    warm: { clusterFound: s => s.triggers !== 'keep' }
  },
  logs: {
    title: 'CloudWatch Logs',
    package: '@aws-sdk/client-cloudwatch-logs',
    iam: 'logs',
    client: { lazy: async () => (await sdk.logs()).CloudWatchLogsClient },
    warm: { clusterFound: s => s.deleteLogGroups }
  },
  ec2: {
    title: 'EC2',
    package: '@aws-sdk/client-ec2',
    iam: 'ec2',
    client: { lazy: async () => (await sdk.ec2()).EC2Client },
    // The EC2 instances behind the container instances are looked up on every run that has some.
    warm: { clusterFound: always }
  },
  ssm: {
    title: 'Systems Manager',
    package: '@aws-sdk/client-ssm',
    iam: 'ssm',
    client: { lazy: async () => (await sdk.ssm()).SSMClient },
    warm: { clusterFound: s => s.deregisterSsmInstances }
  },
  servicediscovery: {
    title: 'Cloud Map',
    package: '@aws-sdk/client-servicediscovery',
    iam: 'servicediscovery',
    client: { lazy: async () => (await sdk.servicediscovery()).ServiceDiscoveryClient },
    warm: {
      clusterFound: s => s.deleteNamespace,
      // The Cloud Map kind reads the services' registries right after the inventory.
      servicesFound: services => services.some(s => (s.serviceRegistries ?? []).length > 0)
    }
  },
  elbv2: {
    title: 'Elastic Load Balancing',
    package: '@aws-sdk/client-elastic-load-balancing-v2',
    iam: 'elasticloadbalancing',
    client: { lazy: async () => (await sdk.elbv2()).ElasticLoadBalancingV2Client },
    // The load-balancer kind reads the services' target groups right after the inventory.
    warm: { servicesFound: services => services.some(s => (s.loadBalancers ?? []).length > 0) }
  },
  /** Application Auto Scaling: the services' scalable targets. */
  autoscaling: {
    title: 'Application Auto Scaling',
    package: '@aws-sdk/client-application-auto-scaling',
    iam: 'application-autoscaling',
    client: { lazy: async () => (await sdk.autoscaling()).ApplicationAutoScalingClient },
    // The services' scalable targets are looked up on every run that has services.
    warm: { clusterFound: always }
  },
  cloudwatch: {
    title: 'CloudWatch',
    package: '@aws-sdk/client-cloudwatch',
    iam: 'cloudwatch',
    client: { lazy: async () => (await sdk.cloudwatch()).CloudWatchClient }
  },
  codedeploy: {
    title: 'CodeDeploy',
    package: '@aws-sdk/client-codedeploy',
    iam: 'codedeploy',
    client: { lazy: async () => (await sdk.codedeploy()).CodeDeployClient },
    // A blue/green service's task sets name its CodeDeploy deployments, read right after the inventory.
    warm: { servicesFound: services => services.some(s => s.taskSets.some(t => t.externalId)) }
  },
  /** EC2 Auto Scaling (the groups behind capacity providers and container instances). */
  ec2AutoScaling: {
    title: 'EC2 Auto Scaling',
    package: '@aws-sdk/client-auto-scaling',
    iam: 'autoscaling',
    client: { lazy: async () => (await sdk.ec2AutoScaling()).AutoScalingClient }
  }
} as const satisfies Record<string, AwsService>

export type AwsServiceKey = keyof typeof AWS_SERVICES
type RequiredKey = {
  [K in AwsServiceKey]: (typeof AWS_SERVICES)[K] extends { required: true } ? K : never
}[AwsServiceKey]

/** The run's AWS clients, one port per service of AWS_SERVICES. */
export type AwsClients = Record<AwsServiceKey, SendPort>
/** The services around a cluster (AWS_SERVICES but ECS and CloudFormation): a caller may leave them out. */
export type RelatedPorts = Omit<AwsClients, RequiredKey>

export const SERVICE_KEYS = Object.keys(AWS_SERVICES) as AwsServiceKey[]

/**
 * Starts loading the code of every client the run will call at `when` (see WarmWhen), so that the
 * loading overlaps the ECS calls instead of delaying the first call of each.
 */
export function warmAwsClients(
  ports: Partial<AwsClients>,
  when: (warm: WarmWhen) => boolean | undefined
): void {
  for (const key of SERVICE_KEYS) {
    const warm: WarmWhen | undefined = (AWS_SERVICES[key] as AwsService).warm
    if (warm && when(warm)) ports[key]?.warm?.()
  }
}
