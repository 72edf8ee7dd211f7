import type { Settings } from './settings.js'
import type { StopMode } from './apply/context.js'
import type { StackTarget } from './stack/find.js'
import { importerSteps } from './stack/exports.js'
import { kindHints, kindSteps, planKinds, type FoundKind, type PlannedKind } from './kinds/index.js'
import type { DecideContext } from './kinds/kind.js'
import { count } from './util/text.js'
import {
  isDeletedAlready,
  type CapacityProviderInfo,
  type ClusterInventory,
  type ContainerInstanceInfo,
  type ServiceInfo,
  type ServiceScope,
  type TaskInfo
} from './inventory/index.js'

export type { StopMode }

/** What will happen to one service, start to end. */
export interface ServicePlan {
  service: ServiceInfo
  /** DeleteTaskSet for each (EXTERNAL deployment controller). */
  taskSets: string[]
  /** The service's tasks that are not STOPPED yet. */
  tasks: TaskInfo[]
  /**
   * How long its tasks stay DEACTIVATING (deregistered from its target groups) before ECS stops them,
   * when the action knows: its target groups' longest deregistration delay (the load-balancer kind
   * reads it). Its tasks' waits look first then.
   */
  drainDelayMs?: number
}

export interface CapacityProviderDecision {
  provider: CapacityProviderInfo
  delete: boolean
  /** Why it is kept, when it is. */
  keepReason?: string
}

export interface PlanStep {
  /**
   * A short machine name: the core's (`delete-task-sets`, `delete-services`, `stop-tasks`,
   * `deregister-instances`, `capacity-providers`, `delete-cluster`, `delete-stack`…) or a kind's.
   */
  phase: string
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
  /** What each kind of resource around the cluster will do (src/kinds/), when they were read. */
  kinds?: PlannedKind[]
  /** Services mode: only `services` go; the cluster and everything of this scope are kept. */
  scope?: ServiceScope
  steps: PlanStep[]
}

/** What the kinds found around the cluster, and what they are to decide with. */
export interface KindsInput {
  found: FoundKind[]
  settings: Settings
  scope: DecideContext['scope']
}

export function planTeardown(
  inventory: ClusterInventory,
  mode: StopMode,
  stack?: StackTarget,
  kinds?: KindsInput
): TeardownPlan {
  const serviceNames = new Set(inventory.services.map(s => s.name))
  const tasksByService = new Map<string, TaskInfo[]>()
  const standaloneTasks: TaskInfo[] = []
  for (const task of inventory.tasks) {
    // A task of a service being removed (ACTIVE, or DRAINING after an interrupted run: its
    // scheduler drains it as it would after this run's DeleteService) goes with that service. One
    // whose service is not among them (gone, or not found) has no scheduler left to drain it, so
    // it is treated like a standalone task.
    if (task.serviceName && serviceNames.has(task.serviceName)) {
      tasksByService.set(task.serviceName, [...(tasksByService.get(task.serviceName) ?? []), task])
    } else {
      standaloneTasks.push(task)
    }
  }

  const services: ServicePlan[] = inventory.services.map(service => ({
    service,
    // One already DRAINING is not touched again: its task sets go with it.
    taskSets:
      service.deploymentController === 'EXTERNAL' && !isDeletedAlready(service)
        ? service.taskSets.map(t => t.arn)
        : [],
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
    ...(kinds
      ? {
          kinds: planKinds(kinds.found, {
            settings: kinds.settings,
            scope: kinds.scope,
            ...(stack ? { stack } : {})
          })
        }
      : {}),
    ...(inventory.scope ? { scope: inventory.scope } : {}),
    steps: []
  }
  const { drainDelayMs } = kindHints(plan.kinds)
  for (const s of plan.services) {
    const delay = drainDelayMs[s.service.name]
    if (delay !== undefined) s.drainDelayMs = delay
  }
  plan.steps = describeSteps(plan)
  return plan
}

function partition<T>(items: T[], test: (item: T) => boolean): [T[], T[]] {
  return [items.filter(test), items.filter(item => !test(item))]
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
  // A Managed Instances provider an earlier run (or someone) is deleting: waited for like one deleted now.
  if (provider.managedInstances && provider.status === 'DEPROVISIONING') return { provider, delete: true }
  if (provider.status !== 'ACTIVE')
    return { provider, delete: false, keepReason: `its status is ${provider.status}` }
  return { provider, delete: true }
}

function describeSteps(plan: TeardownPlan): PlanStep[] {
  const steps: PlanStep[] = []
  const ofKinds = (stage: Parameters<typeof kindSteps>[1]): PlanStep[] =>
    kindSteps(plan.kinds, stage).map(({ phase, description, resources }) => ({
      phase,
      description,
      resources
    }))
  // The stack's steps, wherever it goes: what would hold its deletion up, the stacks importing its
  // exports, then the stack itself.
  const stackSteps = (stack: StackTarget, description: string, resources: string[]): PlanStep[] => [
    ...ofKinds('before-stack'),
    ...importerSteps(stack),
    { phase: 'delete-stack', description, resources }
  ]
  // First: nothing may start tasks on the cluster while it is being emptied.
  steps.push(...ofKinds('before-services'))
  const taskSets = plan.services.flatMap(s => s.taskSets)
  if (taskSets.length > 0) {
    steps.push({
      phase: 'delete-task-sets',
      description: `Delete ${count(taskSets.length, 'task set')} (EXTERNAL deployment controller)`,
      resources: taskSets
    })
  }
  const [draining, notDraining] = partition(plan.services, s => isDeletedAlready(s.service))
  const [express, active] = partition(notDraining, s => s.service.express === true)
  if (express.length > 0) {
    // ECS API model: DeleteExpressGatewayService "removes all associated AWS resources"; what ECS
    // made for them is never deleted by this action (kinds/express-services.ts reports it).
    steps.push({
      phase: 'delete-express-services',
      description: `Delete ${count(express.length, 'Express service')} with DeleteExpressGatewayService (ECS removes the load balancer, target groups, security groups and scaling it made for ${express.length === 1 ? 'it' : 'them'}); wait until INACTIVE`,
      resources: express.map(s => s.service.name)
    })
  }
  if (active.length > 0) {
    // One service-modify call per service: DeleteService with force scales a REPLICA service to 0
    // itself, and once it is DRAINING ECS refuses UpdateService, so nothing can scale it up again.
    steps.push({
      phase: 'delete-services',
      description: `Delete ${count(active.length, 'service')} with force, one call each (ECS scales each to 0 and drains its tasks); wait until INACTIVE`,
      resources: active.map(s => s.service.name)
    })
  }
  if (draining.length > 0) {
    steps.push({
      phase: 'delete-services',
      description: `Wait until ${count(draining.length, 'service')} already DRAINING (deleted by an earlier run) ${draining.length === 1 ? 'is' : 'are'} INACTIVE`,
      resources: draining.map(s => s.service.name)
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
          : `Stop ${count(allTasks.length, 'task')} at once (a service's right after the service is deleted); wait until all are STOPPED`,
      resources: allTasks.map(t => t.id)
    })
  }
  steps.push(...ofKinds('after-services'))
  if (plan.containerInstances.length > 0) {
    const handled = kindHints(plan.kinds).handlesHosts
    steps.push({
      phase: 'deregister-instances',
      description: `Deregister ${count(plan.containerInstances.length, 'container instance')}${handled ? '' : ' (the EC2 instances behind them keep running)'}`,
      resources: plan.containerInstances.map(ci =>
        ci.ec2InstanceId ? `${ci.id} (${ci.ec2InstanceId})` : ci.id
      )
    })
  }
  steps.push(...ofKinds('after-instances'))
  const providers = plan.capacityProviders
  const managed = providers.filter(d => d.delete && d.provider.managedInstances)
  if (plan.detachCapacityProviders || managed.length > 0) {
    const detachable = providers.filter(d => !d.provider.managedInstances)
    const deleted = detachable.filter(d => d.delete)
    const machines = managed.flatMap(d => d.provider.instances ?? [])
    const parts = [
      ...(plan.detachCapacityProviders
        ? [
            `Detach ${count(detachable.length, 'capacity provider')} and wait until the detach has settled (attachmentsStatus UPDATE_COMPLETE)` +
              (deleted.length > 0
                ? `, then delete ${count(deleted.length, 'Auto Scaling provider')} no other cluster uses`
                : '')
          ]
        : []),
      ...(managed.length > 0
        ? [
            `delete the cluster's ${count(managed.length, 'ECS Managed Instances provider')} (with the cluster: they are cluster-scoped)` +
              (machines.length > 0
                ? `; ECS shuts down the ${count(machines.length, 'managed instance')} it runs for them`
                : '')
          ]
        : [])
    ]
    const text = parts.join('; ')
    steps.push({
      phase: 'capacity-providers',
      description: `${text.charAt(0).toUpperCase()}${text.slice(1)}${deleted.length + managed.length > 0 ? '; wait until each is INACTIVE' : ''}`,
      resources: providers.map(d =>
        d.provider.managedInstances
          ? `${d.provider.name} (${d.delete ? 'delete' : 'keep'}, Managed Instances${
              d.provider.instances?.length
                ? `: ${d.provider.instances.map(i => i.ec2InstanceId ?? i.id).join(', ')}`
                : ''
            })`
          : d.delete
            ? `${d.provider.name} (delete)`
            : `${d.provider.name} (detach only)`
      )
    })
  }
  const stack = plan.stack
  if (plan.scope) {
    // Services mode: the cluster stays; a stack that owns the services goes once they are drained.
    if (stack) {
      steps.push(
        ...stackSteps(
          stack,
          `Delete stack ${stack.name}, which owns the selected services; wait until DELETE_COMPLETE`,
          [stack.name]
        )
      )
    }
  } else if (stack?.ownsCluster) {
    // The stack owns the cluster: CloudFormation deletes it with the stack.
    steps.push(
      ...stackSteps(
        stack,
        `Delete stack ${stack.name}, which deletes cluster ${plan.clusterName}; wait until DELETE_COMPLETE and check the cluster is gone`,
        [stack.name, plan.clusterName]
      )
    )
  } else {
    steps.push({
      phase: 'delete-cluster',
      description: `Delete cluster ${plan.clusterName}; wait until INACTIVE`,
      resources: [plan.clusterName]
    })
    if (stack) {
      steps.push(...stackSteps(stack, `Delete stack ${stack.name}; wait until DELETE_COMPLETE`, [stack.name]))
    }
  }
  steps.push(...ofKinds('after-cluster'))
  return steps
}
