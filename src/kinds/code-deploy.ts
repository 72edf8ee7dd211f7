import type { ApplyContext } from '../apply/context.js'
import { callAws } from '../aws/call.js'
import { isAvailable } from '../aws/clients.js'
import { sdk } from '../aws/sdk.js'
import { Limits } from '../constants.js'
import type { InventoryContext } from '../inventory/index.js'
import { code } from '../report/html.js'
import { DeadlineError, RefusedError, errorMessage, isAccessDenied, isAwsError } from '../util/errors.js'
import { paginate } from '../util/paginate.js'
import { chunk } from '../util/pool.js'
import { retryUntil } from '../util/poll.js'
import { count, relatedReport, removedListSummary, type ReportPart, type ResourceKind } from './kind.js'
import type { SendPort } from '../aws/call.js'
import type { DeploymentStatus } from '@aws-sdk/client-codedeploy'
import { notDone } from './bookkeeping.js'

// Its part of the report (docs/report.md), declared here: report.ts knows none of the kinds. All
// optional: reports from before this kind existed have none of it.
declare module '../report/report.js' {
  interface RelatedReport {
    /** CodeDeploy deployments stopped (auto rollback off) before their blue/green services were deleted. */
    codeDeployDeployments?: { deploymentId: string; service: string; action: 'stopped' }[]
  }
  interface RelatedFound {
    /** CodeDeploy deployments in progress on the services being removed. */
    codeDeployDeployments?: number
  }
  interface KindLeftovers {
    'codedeploy-deployment': true
  }
}

/**
 * Blue/green services (deployment controller `CODE_DEPLOY`) with a CodeDeploy deployment in
 * progress: ECS refuses DeleteService with "The service cannot be stopped while deployments are
 * active" (the rule book, aws-teardown-rules.md), and a run would retry until its deadline. The
 * deployment is found from the service's task sets: "If an CodeDeploy deployment created a task
 * set, the externalId parameter contains the CodeDeploy deployment ID" (ECS API model,
 * TaskSet.externalId), read with BatchGetDeployments (25 IDs per call; CodeDeploy API model), and
 * so are the application and deployment group they belong to, whose other deployments not finished
 * ListDeployments lists (a deployment queued or just created has no task set yet). One
 * not finished (Created, Queued, InProgress, Baking, Ready) is stopped before any service is touched
 * (StopDeployment with `autoRollbackEnabled: false`: the service is being deleted, nothing is to be
 * rolled back) and waited for until it is Stopped (or otherwise finished). This kind acts first of
 * all (first in KINDS): a permission CodeDeploy denies, to read or to stop, ends the run before
 * anything is touched, saying which.
 */

const UNFINISHED = new Set(['Created', 'Queued', 'InProgress', 'Baking', 'Ready'])

export interface CodeDeployDeployment {
  deploymentId: string
  service: string
  status: string
}

export interface CodeDeployFound {
  deployments: CodeDeployDeployment[]
}

export const codeDeployKind: ResourceKind<CodeDeployFound, CodeDeployFound> = {
  name: 'CodeDeploy deployments',
  emptyReport: (): ReportPart => ({ found: {} }),

  async find(ctx, scope, settings) {
    const ids = new Map<string, string>()
    for (const s of scope.services) {
      if (s.deploymentController !== 'CODE_DEPLOY' || s.status !== 'ACTIVE') continue
      for (const set of s.taskSets) if (set.externalId) ids.set(set.externalId, s.name)
    }
    if (ids.size === 0) return { deployments: [] }
    if (!isAvailable(ctx.codedeploy))
      throw new RefusedError(
        `Service(s) ${[...new Set(ids.values())].join(', ')} use the CODE_DEPLOY deployment controller and CodeDeploy is not available to this run.`
      )
    try {
      return { deployments: await unfinishedDeployments(ctx, ctx.codedeploy, ids) }
    } catch (error) {
      if (!isAccessDenied(error)) throw error
      if (settings.dryRun) {
        ctx.onDenied?.(error)
        return { deployments: [] }
      }
      throw new RefusedError(
        `The CodeDeploy deployments of ${[...new Set(ids.values())].join(', ')} (CODE_DEPLOY deployment controller) cannot be read: ${errorMessage(error)}. Add codedeploy:BatchGetDeployments, codedeploy:ListDeployments and codedeploy:StopDeployment to the role (docs/permissions.md).`
      )
    }
  },

  recordFound(found, report, log) {
    if (found.deployments.length === 0) return
    report.found.codeDeployDeployments = found.deployments.length
    for (const d of found.deployments)
      log.info(`CodeDeploy deployment ${d.deploymentId} of service ${d.service} is ${d.status}`)
  },

  decide: found => found,

  steps(plan) {
    if (plan.deployments.length === 0) return []
    return [
      {
        stage: 'before-services',
        phase: 'stop-deployments',
        description: `Stop ${count(plan.deployments.length, 'CodeDeploy deployment')} in progress (StopDeployment, auto rollback off), so ECS lets the blue/green ${plan.deployments.length === 1 ? 'service' : 'services'} be deleted; wait until ${plan.deployments.length === 1 ? 'it is' : 'each is'} Stopped`,
        resources: plan.deployments.map(d => `${d.deploymentId} (service ${d.service})`)
      }
    ]
  },

  notes: () => [],

  actions: {
    'before-services': {
      phase: 'CodeDeploy deployments',
      needed: plan => plan.deployments.length > 0,
      run: stopDeployments
    }
  },

  unfinished(plan, report) {
    const done = report.related?.codeDeployDeployments ?? []
    return notDone(plan.deployments, d => done.some(x => x.deploymentId === d.deploymentId), {
      kind: 'codedeploy-deployment',
      id: d => d.deploymentId,
      reason: d =>
        `not seen stopped before the run stopped (service ${d.service}); ECS refuses to delete the service while it is in progress`
    })
  },

  ...removedListSummary({
    label: 'CodeDeploy deployments',
    title: 'CodeDeploy deployments stopped',
    leftoverKind: 'codedeploy-deployment',
    found: r => r.found.codeDeployDeployments,
    removed: r => r.codeDeployDeployments,
    item: d => `${code(d.deploymentId)} (service ${code(d.service)})`
  })
}

interface DeploymentInfo {
  deploymentId: string
  status: string
  applicationName?: string
  deploymentGroupName?: string
}

async function batchGet(
  ctx: InventoryContext,
  codedeploy: SendPort,
  ids: string[]
): Promise<DeploymentInfo[]> {
  const out: DeploymentInfo[] = []
  for (const batch of chunk(ids, Limits.batchGetDeployments)) {
    const got = await callAws(
      ctx,
      codedeploy,
      new (await sdk.codedeploy()).BatchGetDeploymentsCommand({ deploymentIds: batch })
    )
    for (const d of got.deploymentsInfo ?? [])
      if (d.deploymentId)
        out.push({
          deploymentId: d.deploymentId,
          status: d.status ?? 'UNKNOWN',
          ...(d.applicationName ? { applicationName: d.applicationName } : {}),
          ...(d.deploymentGroupName ? { deploymentGroupName: d.deploymentGroupName } : {})
        })
  }
  return out
}

/**
 * The deployments not finished of the services whose task sets name a deployment (`ids`: deployment
 * ID → service): those deployments themselves, and, from the application and deployment group they
 * name, every deployment of that group not finished (ListDeployments with `includeOnlyStatuses`,
 * every page): one queued or just created has no task set yet.
 */
async function unfinishedDeployments(
  ctx: InventoryContext,
  codedeploy: SendPort,
  ids: Map<string, string>
): Promise<CodeDeployDeployment[]> {
  const known = await batchGet(ctx, codedeploy, [...ids.keys()])
  const groups = new Map<string, { applicationName: string; deploymentGroupName: string; service: string }>()
  for (const d of known)
    if (d.applicationName && d.deploymentGroupName)
      groups.set(`${d.applicationName}/${d.deploymentGroupName}`, {
        applicationName: d.applicationName,
        deploymentGroupName: d.deploymentGroupName,
        service: ids.get(d.deploymentId) ?? ''
      })
  const found = new Map<string, CodeDeployDeployment>()
  for (const d of known)
    if (UNFINISHED.has(d.status))
      found.set(d.deploymentId, {
        deploymentId: d.deploymentId,
        status: d.status,
        service: ids.get(d.deploymentId) ?? ''
      })
  for (const group of groups.values()) {
    const listed = await paginate(async nextToken => {
      const out = await callAws(
        ctx,
        codedeploy,
        new (await sdk.codedeploy()).ListDeploymentsCommand({
          applicationName: group.applicationName,
          deploymentGroupName: group.deploymentGroupName,
          includeOnlyStatuses: [...UNFINISHED] as DeploymentStatus[],
          nextToken
        })
      )
      return { items: out.deployments ?? [], nextToken: out.nextToken }
    })
    const fresh = listed.filter(id => !found.has(id))
    for (const d of fresh.length > 0 ? await batchGet(ctx, codedeploy, fresh) : [])
      if (UNFINISHED.has(d.status))
        found.set(d.deploymentId, { deploymentId: d.deploymentId, status: d.status, service: group.service })
  }
  return [...found.values()]
}

async function stopDeployments(ctx: ApplyContext, plan: CodeDeployFound): Promise<void> {
  for (const d of plan.deployments) {
    try {
      const out = await callAws(
        ctx,
        ctx.codedeploy,
        new (await sdk.codedeploy()).StopDeploymentCommand({
          deploymentId: d.deploymentId,
          autoRollbackEnabled: false
        })
      )
      ctx.log.info(
        `Stopping CodeDeploy deployment ${d.deploymentId} of service ${d.service} (${out.status ?? 'Pending'})`
      )
    } catch (error) {
      if (isAwsError(error, 'DeploymentAlreadyCompletedException', 'DeploymentDoesNotExistException')) {
        ctx.log.info(`CodeDeploy deployment ${d.deploymentId} had already finished`)
        continue
      }
      // The first change of the run: nothing else was touched yet.
      if (isAccessDenied(error))
        throw new RefusedError(
          `CodeDeploy deployment ${d.deploymentId} of service ${d.service} is in progress and cannot be stopped: ${errorMessage(error)}. Add codedeploy:StopDeployment to the role (docs/permissions.md).`
        )
      throw error
    }
  }
  const ids = plan.deployments.map(d => d.deploymentId)
  const result = await retryUntil(
    ctx,
    { deadline: ctx.deadline, minDelayMs: 2_000, maxDelayMs: 15_000 },
    async () => {
      const running = (await batchGet(ctx, ctx.codedeploy, ids)).filter(d => UNFINISHED.has(d.status))
      return running.length === 0
        ? { done: true as const, value: undefined }
        : { done: false as const, reason: running.map(d => `${d.deploymentId} ${d.status}`).join(', ') }
    }
  )
  if (!result.done)
    throw new DeadlineError(`CodeDeploy deployments were still in progress at the deadline: ${result.reason}`)
  const related = relatedReport(ctx.report)
  for (const d of plan.deployments) {
    related.codeDeployDeployments = [
      ...(related.codeDeployDeployments ?? []),
      { deploymentId: d.deploymentId, service: d.service, action: 'stopped' }
    ]
    ctx.log.info(`CodeDeploy deployment ${d.deploymentId} of service ${d.service} is stopped`)
  }
}
