import { warmAwsClients } from '../aws/services.js'
import type { ServiceInfo } from '../inventory/index.js'
import type { Settings } from '../settings.js'
import type { TeardownDeps } from './deps.js'

/**
 * Starts loading the code of every client the settings say this run will call, once the cluster is
 * known to exist: the loading then overlaps the ECS inventory instead of delaying the first call of
 * each. A run that finds its cluster absent loads none of them. Which ones: `warm` in AWS_SERVICES.
 */
export function warmClients(deps: TeardownDeps, settings: Settings): void {
  warmAwsClients(deps, warm => warm.clusterFound?.(settings))
}

/**
 * The clients the services' surroundings need (target groups, registries, CodeDeploy deployments),
 * started loading as soon as the services are described, right before the kinds read them.
 */
export function warmServiceClients(deps: TeardownDeps, services: ServiceInfo[]): void {
  warmAwsClients(deps, warm => warm.servicesFound?.(services))
}
