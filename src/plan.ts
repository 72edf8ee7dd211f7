import { planRelated, revisionOf, type RelatedPlan, type RelatedPlanOptions } from './related/plan.js'
import type { StackTarget } from './stack.js'
import type {
  CapacityProviderInfo,
  ClusterInventory,
  ContainerInstanceInfo,
  ServiceInfo,
  ServiceScope,
  TaskInfo
} from './inventory.js'

export type StopMode = 'graceful' | 'force'

/** What will happen to one service, start to end. */
export interface ServicePlan {
  service: ServiceInfo
  /** UpdateService desiredCount 0: ACTIVE REPLICA services that still want tasks. */
  scaleToZero: boolean
  /** DeleteTaskSet for each (EXTERNAL deployment controller). */
  taskSets: string[]
  /** The service's tasks that are not STOPPED yet. */
  tasks: TaskInfo[]
}

export interface CapacityProviderDecision {
  provider: CapacityProviderInfo
  delete: boolean
  /** Why it is kept, when it is. */
  keepReason?: string
}

export interface PlanStep {
  phase:
    | 'triggers'
    | 'terminate-instances'
    | 'deregister-ssm-instances'
    | 'stack-instances'
    | 'delete-log-groups'
    | 'deregister-task-definitions'
    | 'delete-namespace'
    | 'delete-stack'
    | 'scale-services'
    | 'delete-task-sets'
    | 'stop-tasks'
    | 'delete-services'
    | 'deregister-instances'
    | 'capacity-providers'
    | 'delete-cluster'
  /** One line, in the words the log and the summary use. */
  description: string
  resources: string[]
}

/** The ordered steps for one cluster. A dry run stops here; apply carries it out. */
export interface TeardownPlan {
  clusterName: string
  clusterArn: string
  mode: StopMode
  services: ServicePlan[]
  /** Tasks no service owns: StopTask each. */
  standaloneTasks: TaskInfo[]
  containerInstances: ContainerInstanceInfo[]
  /** Detach every attached provider (PutClusterCapacityProviders with empty lists). */
  detachCapacityProviders: boolean
  capacityProviders: CapacityProviderDecision[]
  /** The CloudFormation stack to delete after ECS is drained (delete-stack). */
  stack?: StackTarget
  /** What is around the cluster (triggers, instances, log groups…), when it was read. */
  related?: RelatedPlan
  /** Services mode: only `services` go; the cluster and everything of this scope are kept. */
  scope?: ServiceScope
  steps: PlanStep[]
}

export function planTeardown(
  inventory: ClusterInventory,
  mode: StopMode,
  stack?: StackTarget,
  relatedOptions?: RelatedPlanOptions
): TeardownPlan {
  const serviceNames = new Set(inventory.services.map(s => s.name))
  const tasksByService = new Map<string, TaskInfo[]>()
  const standaloneTasks: TaskInfo[] = []
  for (const task of inventory.tasks) {
    // A task whose service is not ACTIVE (DRAINING after an interrupted run, or gone) has no
    // scheduler left to drain it, so it is treated like a standalone task.
    if (task.serviceName && serviceNames.has(task.serviceName)) {
      tasksByService.set(task.serviceName, [...(tasksByService.get(task.serviceName) ?? []), task])
    } else {
      standaloneTasks.push(task)
    }
  }

  const services: ServicePlan[] = inventory.services.map(service => ({
    service,
    scaleToZero:
      service.status === 'ACTIVE' && service.schedulingStrategy === 'REPLICA' && service.desiredCount > 0,
    taskSets: service.deploymentController === 'EXTERNAL' ? service.taskSets.map(t => t.arn) : [],
    tasks: tasksByService.get(service.name) ?? []
  }))

  const capacityProviders = inventory.capacityProviders.map(decideCapacityProvider)
  // Services mode never touches the cluster's capacity providers.
  const detachCapacityProviders =
    !inventory.scope &&
    (inventory.cluster.capacityProviders.length > 0 || inventory.cluster.hasDefaultStrategy)

  const plan: TeardownPlan = {
    clusterName: inventory.cluster.name,
    clusterArn: inventory.cluster.arn,
    mode,
    services,
    standaloneTasks,
    containerInstances: inventory.containerInstances,
    detachCapacityProviders,
    capacityProviders,
    ...(stack ? { stack } : {}),
    ...(inventory.related && relatedOptions
      ? { related: planRelated(inventory.related, relatedOptions, stack) }
      : {}),
    ...(inventory.scope ? { scope: inventory.scope } : {}),
    steps: []
  }
  plan.steps = describeSteps(plan)
  return plan
}

function decideCapacityProvider(provider: CapacityProviderInfo): CapacityProviderDecision {
  if (provider.reserved)
    return {
      provider,
      delete: false,
      keepReason: 'owned by AWS (FARGATE and FARGATE_SPOT are never deleted)'
    }
  if (provider.otherClusters.length > 0) {
    return { provider, delete: false, keepReason: `still attached to ${provider.otherClusters.join(', ')}` }
  }
  if (provider.status !== 'ACTIVE')
    return { provider, delete: false, keepReason: `its status is ${provider.status}` }
  return { provider, delete: true }
}

function describeSteps(plan: TeardownPlan): PlanStep[] {
  const steps: PlanStep[] = []
  const related = plan.related
  if (related && related.triggers.length > 0) {
    // First: nothing may start tasks on the cluster while it is being emptied.
    steps.push({
      phase: 'triggers',
      description:
        related.triggerMode === 'disable'
          ? `Disable ${count(related.triggers.length, 'EventBridge rule')} that start tasks on this cluster`
          : `Remove this cluster's targets from ${count(related.triggers.length, 'EventBridge rule')} that start its tasks`,
      resources: related.triggers.map(t => t.rule)
    })
  }
  const scale = plan.services.filter(s => s.scaleToZero)
  if (scale.length > 0) {
    steps.push({
      phase: 'scale-services',
      description: `Scale ${count(scale.length, 'service')} to 0 tasks`,
      resources: scale.map(s => s.service.name)
    })
  }
  const taskSets = plan.services.flatMap(s => s.taskSets)
  if (taskSets.length > 0) {
    steps.push({
      phase: 'delete-task-sets',
      description: `Delete ${count(taskSets.length, 'task set')}`,
      resources: taskSets
    })
  }
  const serviceTasks = plan.services.flatMap(s => s.tasks)
  const allTasks = [...serviceTasks, ...plan.standaloneTasks]
  if (allTasks.length > 0) {
    steps.push({
      phase: 'stop-tasks',
      description:
        plan.mode === 'graceful'
          ? `Let the scheduler drain ${count(serviceTasks.length, 'service task')}, stop ${count(plan.standaloneTasks.length, 'standalone task')}, then stop whatever still runs at the drain deadline; wait until all are STOPPED`
          : `Stop ${count(allTasks.length, 'task')} at once; wait until all are STOPPED`,
      resources: allTasks.map(t => t.id)
    })
  }
  if (plan.services.length > 0) {
    steps.push({
      phase: 'delete-services',
      description: `Delete ${count(plan.services.length, 'service')}; wait until INACTIVE`,
      resources: plan.services.map(s => s.service.name)
    })
  }
  if (plan.containerInstances.length > 0) {
    const handled = (related?.hosts ?? []).some(d => d.action !== 'keep' && d.action !== 'none')
    steps.push({
      phase: 'deregister-instances',
      description: `Deregister ${count(plan.containerInstances.length, 'container instance')}${handled ? '' : ' (the EC2 instances behind them keep running)'}`,
      resources: plan.containerInstances.map(ci =>
        ci.ec2InstanceId ? `${ci.id} (${ci.ec2InstanceId})` : ci.id
      )
    })
  }
  const terminate = (related?.hosts ?? []).filter(d => d.action === 'terminate')
  if (terminate.length > 0) {
    steps.push({
      phase: 'terminate-instances',
      description: `Terminate the ${count(terminate.length, 'EC2 instance')} behind them that nothing owns`,
      resources: terminate.map(d => d.host.instanceId)
    })
  }
  const ssm = (related?.hosts ?? []).filter(d => d.action === 'deregister-ssm')
  if (ssm.length > 0) {
    steps.push({
      phase: 'deregister-ssm-instances',
      description: `Deregister ${count(ssm.length, 'external instance')} from Systems Manager`,
      resources: ssm.map(d => d.host.instanceId)
    })
  }
  if (plan.detachCapacityProviders) {
    const deleted = plan.capacityProviders.filter(d => d.delete)
    steps.push({
      phase: 'capacity-providers',
      description:
        `Detach ${count(plan.capacityProviders.length, 'capacity provider')}` +
        (deleted.length > 0
          ? ` and delete ${count(deleted.length, 'Auto Scaling provider')} no other cluster uses`
          : ''),
      resources: plan.capacityProviders.map(d =>
        d.delete ? `${d.provider.name} (delete)` : `${d.provider.name} (detach only)`
      )
    })
  }
  const stack = plan.stack
  if (plan.scope) {
    // Services mode: the cluster stays; a stack that owns the services goes once they are drained.
    if (stack) {
      steps.push({
        phase: 'delete-stack',
        description: `Delete stack ${stack.name}, which owns the selected services; wait until DELETE_COMPLETE`,
        resources: [stack.name]
      })
    }
  } else if (stack?.ownsCluster) {
    // The stack owns the cluster: CloudFormation deletes it with the stack.
    steps.push({
      phase: 'delete-stack',
      description: `Delete stack ${stack.name}, which deletes cluster ${plan.clusterName}; wait until DELETE_COMPLETE and check the cluster is gone`,
      resources: [stack.name, plan.clusterName]
    })
  } else {
    steps.push({
      phase: 'delete-cluster',
      description: `Delete cluster ${plan.clusterName}; wait until INACTIVE`,
      resources: [plan.clusterName]
    })
    if (stack) {
      steps.push({
        phase: 'delete-stack',
        description: `Delete stack ${stack.name}; wait until DELETE_COMPLETE`,
        resources: [stack.name]
      })
    }
  }
  if (related) steps.push(...afterTheCluster(related))
  return steps
}

/** What is cleaned up once the cluster (and its stack) are gone. */
function afterTheCluster(related: RelatedPlan): PlanStep[] {
  const steps: PlanStep[] = []
  const withStack = related.hosts.filter(d => d.action === 'with-stack')
  if (withStack.length > 0) {
    steps.push({
      phase: 'stack-instances',
      description: `Check that the ${count(withStack.length, 'EC2 instance')} the stack's Auto Scaling group owned went with the stack`,
      resources: withStack.map(d => d.host.instanceId)
    })
  }
  const logGroups = related.logGroups.filter(d => d.delete)
  if (logGroups.length > 0) {
    steps.push({
      phase: 'delete-log-groups',
      description: `Delete ${count(logGroups.length, 'log group')} no other task definition family writes to`,
      resources: logGroups.map(d => d.group.name)
    })
  }
  if (related.deregisterTaskDefinitions && related.taskDefinitions.length > 0) {
    const arns = related.taskDefinitions.flatMap(f => f.arns)
    steps.push({
      phase: 'deregister-task-definitions',
      description: `Deregister ${count(arns.length, 'task definition revision')} of ${count(related.taskDefinitions.length, 'family', 'families')}`,
      resources: arns.map(revisionOf)
    })
  }
  const namespaces = related.namespaces.filter(d => d.delete)
  if (namespaces.length > 0) {
    steps.push({
      phase: 'delete-namespace',
      description: `Delete ${count(namespaces.length, 'Service Connect namespace')} if, with the cluster gone, no Cloud Map service or other cluster uses it`,
      resources: namespaces.map(d => d.namespace.ref)
    })
  }
  return steps
}

export function count(n: number, noun: string, plural = `${noun}s`): string {
  return `${n} ${n === 1 ? noun : plural}`
}
