import type { ServiceInfo } from '../inventory.js'
import type { Settings } from '../settings.js'
import type { TeardownDeps } from './deps.js'

/**
 * Starts loading the code of every client the settings say this run will call, once the cluster is
 * known to exist: the loading then overlaps the ECS inventory instead of delaying the first call of
 * each. A run that finds its cluster absent loads none of them.
 */
export function warmClients(deps: TeardownDeps, settings: Settings): void {
  const needed = [
    settings.triggers !== 'keep' ? deps.events : undefined,
    settings.triggers !== 'keep' ? deps.scheduler : undefined,
    // The EC2 instances behind the container instances are looked up on every run that has some,
    // and the services' scalable targets on every run that has services.
    deps.ec2,
    deps.autoscaling,
    settings.deleteStack ? deps.cloudformation : undefined,
    settings.deleteLogGroups ? deps.logs : undefined,
    settings.deregisterSsmInstances ? deps.ssm : undefined,
    settings.deleteNamespace ? deps.servicediscovery : undefined
  ]
  for (const port of needed) port?.warm?.()
}

/**
 * The clients the services' surroundings need, started loading as soon as the services are
 * described: the load-balancer kind reads their target groups, the Cloud Map kind their registries,
 * the CodeDeploy kind their deployments, right after the inventory.
 */
export function warmServiceClients(deps: TeardownDeps, services: ServiceInfo[]): void {
  if (services.some(s => (s.loadBalancers ?? []).length > 0)) deps.elbv2?.warm?.()
  if (services.some(s => (s.serviceRegistries ?? []).length > 0)) deps.servicediscovery?.warm?.()
  // A blue/green service's task sets name its CodeDeploy deployments, read right after the inventory.
  if (services.some(s => s.taskSets.some(t => t.externalId))) deps.codedeploy?.warm?.()
}
