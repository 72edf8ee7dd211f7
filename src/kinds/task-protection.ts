import { GetTaskProtectionCommand, UpdateTaskProtectionCommand } from '@aws-sdk/client-ecs'
import type { ApplyContext } from '../apply/context.js'
import { callAws } from '../aws/call.js'
import { Limits } from '../constants.js'
import type { InventoryContext, TaskInfo } from '../inventory/index.js'
import { code } from '../report/html.js'
import { errorMessage, isAccessDenied, isCancellation } from '../util/errors.js'
import { chunk } from '../util/pool.js'
import { count, relatedReport, removedListSummary, type ReportPart, type ResourceKind } from './kind.js'

// Its part of the report (docs/report.md), declared here: report.ts knows none of the kinds. All
// optional: reports from before this kind existed have none of it.
declare module '../report/report.js' {
  interface RelatedReport {
    /** Service tasks whose scale-in protection this run cleared before deleting their services. */
    taskProtection?: { taskArn: string; action: 'unprotected' }[]
  }
  interface RelatedFound {
    /** Service tasks found with scale-in protection on. */
    protectedTasks?: number
  }
  interface KindLeftovers {
    'task-protection': true
  }
}

/**
 * Task scale-in protection (`UpdateTaskProtection`). A protected task "will not be terminated by
 * scale-in events from Service Auto Scaling or deployments" until the protection expires (by
 * default after 2 hours, at most 48) (ECS API model, UpdateTaskProtection; ECS developer guide,
 * "Protect your Amazon ECS tasks from being terminated by scale-in events"; the same page: a
 * DEPLOYMENT_BLOCKED answer "means the service has more protected tasks than the desired count of
 * tasks", as quoted in aws-containers/ecs-task-protection-examples#3). Deleting a service scales it in
 * to 0, so the scheduler does not drain a protected task (our reading: the text does not name
 * DeleteService), and a graceful run would wait
 * for it until its drain deadline and then stop it with StopTask (which is no scale-in event and is
 * not held back). The environment's own service tasks are going anyway: in graceful mode, their
 * protection is read (GetTaskProtection, 100 per call) and cleared before any service is touched
 * (UpdateTaskProtection `protectionEnabled: false`, 10 per call), so the scheduler drains them like
 * the others. Force mode stops every task with StopTask and needs neither call. Only service tasks
 * can be protected ("only supported for tasks belonging to an Amazon ECS service").
 */

export interface TaskProtectionFound {
  /** The service tasks found protected. */
  protectedTasks: TaskInfo[]
  /** The protection could not be read (a denied or failed read): nothing is cleared, and that is said. */
  unread?: string
}

export const taskProtectionKind: ResourceKind<TaskProtectionFound, TaskProtectionFound> = {
  name: 'task scale-in protection',
  emptyReport: (): ReportPart => ({ found: {} }),

  async find(ctx, scope, settings) {
    if (settings.force) return { protectedTasks: [] }
    const candidates = [...scope.tasks, ...(scope.expressTasks ?? [])].filter(
      t => t.serviceName && t.desiredStatus !== 'STOPPED'
    )
    if (candidates.length === 0) return { protectedTasks: [] }
    try {
      return { protectedTasks: await readProtected(ctx, scope.cluster.arn, candidates) }
    } catch (error) {
      if (isCancellation(error, ctx.signal)) throw error
      // Without it, protected tasks are stopped at the drain deadline: the run can do without it (a
      // denied read, or an emulator without the call), and says so.
      if (isAccessDenied(error)) ctx.onDenied?.(error)
      return { protectedTasks: [], unread: errorMessage(error) }
    }
  },

  recordFound(found, report, log) {
    if (found.unread)
      log.warning(
        `Task scale-in protection could not be read (${found.unread}): a protected task is stopped at the drain deadline`
      )
    if (found.protectedTasks.length === 0) return
    report.found.protectedTasks = found.protectedTasks.length
    log.info(
      `${count(found.protectedTasks.length, 'service task')} with scale-in protection: ${found.protectedTasks.map(t => t.id).join(', ')}`
    )
  },

  decide: found => found,

  steps(plan) {
    if (plan.protectedTasks.length === 0) return []
    return [
      {
        stage: 'before-services',
        phase: 'clear-task-protection',
        description: `Clear the scale-in protection of ${count(plan.protectedTasks.length, 'service task')} (UpdateTaskProtection), so the scheduler drains ${plan.protectedTasks.length === 1 ? 'it' : 'them'} when ${plan.protectedTasks.length === 1 ? 'its service is' : 'their services are'} deleted instead of keeping ${plan.protectedTasks.length === 1 ? 'it' : 'them'} until the protection expires`,
        resources: plan.protectedTasks.map(t => t.id)
      }
    ]
  },

  notes(plan) {
    return plan.unread
      ? [
          `task scale-in protection could not be read (${plan.unread}): a protected task is stopped at the drain deadline`
        ]
      : []
  },

  actions: {
    'before-services': {
      phase: 'task protection',
      needed: plan => plan.protectedTasks.length > 0,
      run: clearProtection
    }
  },

  unfinished: () => [],

  ...removedListSummary({
    label: 'Scale-in protected tasks',
    title: 'Task scale-in protection cleared',
    leftoverKind: 'task-protection',
    found: r => r.found.protectedTasks,
    removed: r => r.taskProtection,
    item: t => code(t.taskArn)
  })
}

async function readProtected(
  ctx: InventoryContext,
  clusterArn: string,
  tasks: TaskInfo[]
): Promise<TaskInfo[]> {
  // The batches at once: the read is part of the inventory, which every run waits for.
  const outs = await Promise.all(
    chunk(tasks, Limits.getTaskProtectionBatch).map(batch =>
      callAws(
        ctx,
        ctx.ecs,
        new GetTaskProtectionCommand({ cluster: clusterArn, tasks: batch.map(t => t.arn) })
      )
    )
  )
  const on = new Set(
    outs.flatMap(out => (out.protectedTasks ?? []).filter(p => p.protectionEnabled).map(p => p.taskArn ?? ''))
  )
  return tasks.filter(t => on.has(t.arn))
}

async function clearProtection(ctx: ApplyContext, plan: TaskProtectionFound): Promise<void> {
  const related = relatedReport(ctx.report)
  for (const batch of chunk(plan.protectedTasks, Limits.updateTaskProtectionBatch)) {
    const out = await callAws(
      ctx,
      ctx.ecs,
      new UpdateTaskProtectionCommand({
        cluster: ctx.clusterArn,
        tasks: batch.map(t => t.arn),
        protectionEnabled: false
      })
    )
    for (const p of out.protectedTasks ?? []) {
      if (!p.taskArn || p.protectionEnabled) continue
      related.taskProtection = [
        ...(related.taskProtection ?? []),
        { taskArn: p.taskArn, action: 'unprotected' }
      ]
    }
    // A task that stopped meanwhile is a failure here (MISSING, TASK_NOT_VALID): nothing to clear.
    for (const f of out.failures ?? [])
      ctx.log.info(
        `Task ${f.arn ?? ''}: protection not cleared (${f.reason ?? 'failure'}${f.detail ? `: ${f.detail}` : ''})`
      )
  }
  ctx.log.info(`Cleared the scale-in protection of ${count(related.taskProtection?.length ?? 0, 'task')}`)
}
