import { familyOf } from '../../ecs/task-definitions.js'
import type { ServiceInfo, TaskInfo } from '../../inventory/index.js'

/** What of a teardown's scope (kinds/kind.ts's TeardownScope) the neighbours are read from. */
export interface NeighbourScope {
  taskDefinitions: string[]
  wholeCluster: boolean
  neighbours?: { services: ServiceInfo[]; tasks: TaskInfo[] }
}

/**
 * Services mode: what the services being removed share with the other services of the cluster,
 * which stays. A kind keeps (and reports) what another service still uses.
 */
export interface SharedUse {
  /** Task definition ARN of the scope → the other services that run it (`service <name>`). */
  taskDefinitions: Map<string, string[]>
  /** Task definition family of the scope → the other services that run a revision of it. */
  families: Map<string, string[]>
}

/**
 * Which other services run the task definitions of the scope: every deployment of theirs, and their
 * tasks. Standalone tasks are not users: they are not touched, and a running task does not need its
 * revision to stay ACTIVE. Empty for a whole-cluster teardown.
 */
export function sharedWithNeighbours(scope: NeighbourScope): SharedUse {
  const taskDefinitions = new Map<string, string[]>()
  const families = new Map<string, string[]>()
  const mine = new Set(scope.taskDefinitions)
  const myFamilies = new Set(scope.taskDefinitions.map(familyOf))
  const add = (arn: string, service: string): void => {
    const user = `service ${service}`
    const family = familyOf(arn)
    if (mine.has(arn)) taskDefinitions.set(arn, [...new Set([...(taskDefinitions.get(arn) ?? []), user])])
    if (myFamilies.has(family)) families.set(family, [...new Set([...(families.get(family) ?? []), user])])
  }
  for (const s of scope.neighbours?.services ?? [])
    for (const arn of s.taskDefinitions ?? []) add(arn, s.name)
  for (const t of scope.neighbours?.tasks ?? [])
    if (t.taskDefinitionArn && t.serviceName) add(t.taskDefinitionArn, t.serviceName)
  return { taskDefinitions, families }
}

/**
 * Which task definition families' starters (EventBridge targets, Scheduler schedules) are this run's:
 * every one for a whole cluster (undefined), else the families of the services being removed that no
 * other service of the cluster runs (the rest is kept, and the kinds' notes say so).
 */
export function familiesToStop(scope: NeighbourScope): ReadonlySet<string> | undefined {
  if (scope.wholeCluster) return undefined
  const shared = sharedWithNeighbours(scope).families
  return new Set(scope.taskDefinitions.map(familyOf).filter(f => !shared.has(f)))
}
