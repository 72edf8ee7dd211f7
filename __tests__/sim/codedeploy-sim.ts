import { CodeDeployServiceException } from '@aws-sdk/client-codedeploy'
import type { EcsSim, SimService } from './ecs-sim.js'
import { ServiceSim } from './service-sim.js'

/**
 * A strict model of the CodeDeploy calls a teardown makes about ECS blue/green (CODE_DEPLOY)
 * services, from the CodeDeploy API model: BatchGetDeployments (1 to 25 IDs: "The maximum number of
 * deployment IDs you can specify is 25", BatchLimitExceededException above; unknown IDs are left
 * out), StopDeployment (DeploymentDoesNotExistException for an unknown ID,
 * DeploymentAlreadyCompletedException for a finished one; it answers `status: Pending` and the
 * deployment is Stopped a little later; `autoRollbackEnabled` recorded). A deployment's
 * replacement task set carries its ID as `externalId` in ECS (ECS API model, TaskSet.externalId),
 * and while the deployment is not finished ECS refuses DeleteService on the service ("The service
 * cannot be stopped while deployments are active."): the world links the two. One test per rule in
 * __tests__/sim/codedeploy-sim.test.ts.
 */

export const CODEDEPLOY_MUTATING_OPERATIONS = new Set(['StopDeployment'])

/** DeploymentStatus values that are not final (CodeDeploy API model). */
export const UNFINISHED_STATUSES = new Set(['Created', 'Queued', 'InProgress', 'Baking', 'Ready'])

export interface SimDeployment {
  deploymentId: string
  applicationName: string
  deploymentGroupName: string
  status: string
  serviceArn: string
  /** When a StopDeployment makes it Stopped. */
  stopsAt?: number
  autoRollbackEnabled?: boolean
}

export class CodeDeploySim extends ServiceSim {
  readonly deployments = new Map<string, SimDeployment>()
  /** How long a stop takes to reach Stopped. */
  stopMs = 5_000
  private seq = 0

  constructor(ecs: EcsSim, options: { latencyMs?: number } = {}) {
    super(
      ecs,
      { name: 'CodeDeploy', iamPrefix: 'codedeploy', exception: CodeDeployServiceException },
      CODEDEPLOY_MUTATING_OPERATIONS,
      options.latencyMs
    )
    ecs.codeDeployActive = service => this.activeFor(service.arn)
  }

  /**
   * A blue/green deployment of `service` (a CODE_DEPLOY service of the EcsSim) in `status`: its
   * replacement task set, with the deployment's ID as externalId, is added to the service.
   */
  startDeployment(
    service: SimService,
    status = 'InProgress',
    /** false: a deployment queued or just created, which has made no task set yet. */
    withTaskSet = true
  ): SimDeployment {
    const deploymentId = `d-${(++this.seq).toString(36).toUpperCase().padStart(9, '0')}`
    const d: SimDeployment = {
      deploymentId,
      applicationName: `AppECS-${service.name}`,
      deploymentGroupName: `DgpECS-${service.name}`,
      status,
      serviceArn: service.arn
    }
    this.deployments.set(deploymentId, d)
    if (withTaskSet) this.ecs.addCodeDeployTaskSet(service, deploymentId)
    return d
  }

  statusOf(d: SimDeployment): string {
    return d.stopsAt !== undefined && this.now >= d.stopsAt ? 'Stopped' : d.status
  }

  activeFor(serviceArn: string): boolean {
    return [...this.deployments.values()].some(
      d => d.serviceArn === serviceArn && UNFINISHED_STATUSES.has(this.statusOf(d))
    )
  }

  protected opBatchGetDeployments(input: Record<string, unknown>): unknown {
    const ids = (input.deploymentIds as string[] | undefined) ?? []
    if (ids.length === 0)
      throw this.error('DeploymentIdRequiredException', 'At least one deployment ID must be specified.')
    if (ids.length > 25)
      throw this.error(
        'BatchLimitExceededException',
        'The maximum number of deployment IDs you can specify is 25.'
      )
    return {
      deploymentsInfo: ids
        .map(id => this.deployments.get(id))
        .filter((d): d is SimDeployment => d !== undefined)
        .map(d => ({
          deploymentId: d.deploymentId,
          applicationName: d.applicationName,
          deploymentGroupName: d.deploymentGroupName,
          status: this.statusOf(d),
          computePlatform: 'ECS'
        }))
    }
  }

  /**
   * ListDeployments (CodeDeploy API model): applicationName and deploymentGroupName go together ("If
   * applicationName is specified, then deploymentGroupName must be specified", and the other way
   * round); an unknown group is DeploymentGroupDoesNotExistException; `includeOnlyStatuses` filters.
   * Pages of 100 here (the model gives no page size).
   */
  protected opListDeployments(input: Record<string, unknown>): unknown {
    const app = input.applicationName as string | undefined
    const group = input.deploymentGroupName as string | undefined
    if (app && !group)
      throw this.error('DeploymentGroupNameRequiredException', 'The deployment group name was not specified.')
    if (group && !app)
      throw this.error(
        'ApplicationNameRequiredException',
        'The minimum number of required application names was not specified.'
      )
    const all = [...this.deployments.values()]
    if (app && !all.some(d => d.applicationName === app && d.deploymentGroupName === group))
      throw this.error(
        'DeploymentGroupDoesNotExistException',
        `The deployment group ${group} does not exist.`
      )
    const statuses = input.includeOnlyStatuses as string[] | undefined
    const items = all.filter(
      d =>
        (!app || (d.applicationName === app && d.deploymentGroupName === group)) &&
        (!statuses || statuses.includes(this.statusOf(d)))
    )
    const page = this.page(
      items,
      d => d.deploymentId,
      input.nextToken,
      100,
      'deployments',
      () => this.error('InvalidNextTokenException', 'The next token was specified in an invalid format.')
    )
    return { deployments: page.items.map(d => d.deploymentId), nextToken: page.nextToken }
  }

  protected opStopDeployment(input: Record<string, unknown>): unknown {
    const id = String(input.deploymentId ?? '')
    if (!id)
      throw this.error('DeploymentIdRequiredException', 'At least one deployment ID must be specified.')
    const d = this.deployments.get(id)
    if (!d) throw this.error('DeploymentDoesNotExistException', `The deployment ${id} could not be found.`)
    if (!UNFINISHED_STATUSES.has(this.statusOf(d)))
      throw this.error('DeploymentAlreadyCompletedException', `The deployment ${id} has already completed.`)
    d.stopsAt ??= this.now + this.stopMs
    d.autoRollbackEnabled = input.autoRollbackEnabled === true
    return { status: 'Pending', statusMessage: 'Stopping the deployment.' }
  }
}
