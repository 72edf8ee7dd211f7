import { StopTaskCommand } from '@aws-sdk/client-ecs'
import { callAws } from '../aws/call.js'
import { Limits } from '../constants.js'
import { isTaskDown, listLiveTasks, type TaskInfo } from '../inventory/index.js'
import { recordGoneBefore, type StoppedTask } from '../report/report.js'
import { DeadlineError, errorMessage, isAwsError } from '../util/errors.js'
import type { ApplyContext } from './context.js'

/** StopTask; false when AWS no longer knows the task (someone else stopped it, and it is gone). */
export async function stopTask(ctx: ApplyContext, task: TaskInfo): Promise<boolean> {
  const what =
    task.serviceName && ctx.report.scope ? `service ${task.serviceName}` : `cluster ${ctx.clusterName}`
  const reason = `ecs-teardown: removing ${what}`.slice(0, Limits.stopReasonMaxLength)
  try {
    await callAws(ctx, ctx.ecs, new StopTaskCommand({ cluster: ctx.clusterArn, task: task.arn, reason }))
    ctx.accepted?.stopTask.add(task.arn)
    ctx.log.info(`Stopping task ${task.id} (${task.group})`)
    return true
  } catch (error) {
    if (isTaskGone(error)) {
      ctx.log.info(`Task ${task.id} is already gone`)
      return false
    }
    throw error
  }
}

export function isTaskGone(error: unknown): boolean {
  return (
    isAwsError(error, 'InvalidParameterException', 'ClientException') &&
    /referenced task was not found|task .*not found|could not find task/i.test(errorMessage(error))
  )
}

/**
 * Waits until each task is STOPPED or gone, or the deadline passes; returns those still up.
 * `drainDelayMs`: the deregistration delay of the target groups the tasks are registered in, when
 * known. ECS deregisters a task from its target groups and waits out that delay (the task is
 * DEACTIVATING) before it sends SIGTERM, so a task told to stop now cannot be STOPPED sooner, and it
 * is not looked at before then. A task already on its way down when the run found it may be further
 * along: it keeps the plain schedule.
 */
export async function waitTasksStopped(
  ctx: ApplyContext,
  tasks: TaskInfo[],
  deadline: number,
  drainDelayMs = 0
): Promise<TaskInfo[]> {
  const outcomes = await Promise.all(
    tasks.map(async task => {
      const outcome = await ctx.tasks.waitUntil(
        task.arn,
        isTaskDown,
        deadline,
        task.desiredStatus === 'STOPPED' ? 0 : drainDelayMs,
        task
      )
      // The live log only: the report counts the tasks, and the summary lists them.
      if (outcome.done)
        ctx.log.progress?.(`Task ${task.id} (${task.group}) is ${outcome.state?.lastStatus ?? 'gone'}`)
      return outcome
    })
  )
  return tasks.filter((_, i) => !outcomes[i]?.done)
}

/**
 * Counts a task as this run's only when this run stopped it (StopTask, or the DeleteService with force
 * that let the scheduler drain it): one already told to stop when the run found it, or gone before its StopTask,
 * was stopped by someone else.
 */
export function recordStopped(
  ctx: Pick<ApplyContext, 'report'>,
  task: TaskInfo,
  how: StoppedTask['how'] | 'not-ours'
): void {
  if (ctx.report.tasks.some(t => t.arn === task.arn)) return
  if (how === 'not-ours' || task.desiredStatus === 'STOPPED') {
    recordGoneBefore(ctx.report, {
      kind: 'task',
      id: task.id,
      reason:
        how === 'not-ours'
          ? "gone before this run's StopTask: stopped by someone else"
          : 'already stopping when this run found it: stopped by someone else'
    })
    return
  }
  ctx.report.tasks.push({ id: task.id, arn: task.arn, group: task.group, startedBy: task.startedBy, how })
}

/**
 * Stop tasks right away and wait until every one is STOPPED, within the run's deadline.
 * `drainDelayMs`: as for waitTasksStopped, for tasks that were not told to stop before.
 */
export async function stopAndWait(ctx: ApplyContext, tasks: TaskInfo[], drainDelayMs = 0): Promise<void> {
  if (tasks.length === 0) return
  const stoppedByUs = await Promise.all(
    tasks.map(task => (task.desiredStatus === 'STOPPED' ? true : stopTask(ctx, task)))
  )
  const still = await waitTasksStopped(ctx, tasks, ctx.deadline, drainDelayMs)
  tasks.forEach((task, i) => {
    if (!still.includes(task)) recordStopped(ctx, task, stoppedByUs[i] ? 'stopped' : 'not-ours')
  })
  if (still.length > 0)
    throw new DeadlineError(`${still.length} task(s) did not stop before the deadline: ${ids(still)}`)
}

/**
 * Graceful mode for a service's tasks: the scheduler, its service deleted with force (desired count 0),
 * lets its load balancer drain each task, then sends it SIGTERM. Whatever still runs at the drain
 * deadline is stopped with StopTask. Force mode stops them all at once (they are still deregistered
 * from their target groups first). `drainDelayMs`: their target groups' deregistration delay, when
 * known (waitTasksStopped).
 */
export async function drainThenStop(ctx: ApplyContext, tasks: TaskInfo[], drainDelayMs = 0): Promise<void> {
  if (tasks.length === 0) return
  if (ctx.mode !== 'graceful') return stopAndWait(ctx, tasks, drainDelayMs)
  const deadline = Math.min(ctx.drainDeadline, ctx.deadline)
  const still = await waitTasksStopped(ctx, tasks, deadline, drainDelayMs)
  for (const task of tasks) if (!still.includes(task)) recordStopped(ctx, task, 'drained')
  if (still.length > 0) {
    ctx.log.info(`Drain deadline passed with ${still.length} task(s) still running: stopping them`)
  }
  // Past the drain deadline they have been deregistering for a while already: the plain schedule.
  await stopAndWait(ctx, still)
}

/**
 * After every known task is down, look again: a deployment in flight or a schedule may have
 * started tasks since the inventory, and DeleteCluster refuses while any remain.
 */
export async function stopStragglers(
  ctx: ApplyContext,
  /** Services mode: only the selected services' tasks; the cluster's others are not this run's. */
  inScope: (task: TaskInfo) => boolean = () => true
): Promise<void> {
  // Bounded: a source that keeps starting tasks faster than they stop is reported by DeleteCluster's
  // refusal at the deadline rather than chased forever here.
  for (let round = 0; round < 5; round++) {
    // Only tasks desired RUNNING can be new; the ones this run stopped are all confirmed down.
    const live = (await listLiveTasks(ctx, ctx.clusterArn, ['RUNNING'])).filter(inScope)
    if (live.length === 0) return
    ctx.log.info(`Found ${live.length} task(s) still up after the planned stops: stopping them`)
    await stopAndWait(ctx, live)
  }
}

export function ids(tasks: TaskInfo[]): string {
  const shown = tasks.slice(0, 10).map(t => t.id)
  return shown.join(', ') + (tasks.length > shown.length ? ` and ${tasks.length - shown.length} more` : '')
}
