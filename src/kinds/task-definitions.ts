import { DeregisterTaskDefinitionCommand } from '@aws-sdk/client-ecs'
import type { ApplyContext } from '../apply/context.js'
import { callAws } from '../aws/call.js'
import { code, escapeHtml } from '../report/html.js'
import { consoleLinks } from '../report/links.js'
import { familyOf, isRevision } from '../ecs/task-definitions.js'
import { lastPartOfArn } from '../util/arn.js'
import { errorMessage, isAwsError } from '../util/errors.js'
import { count, relatedReport, type ResourceKind, type ReportPart } from './kind.js'
import type { Decision } from './bookkeeping.js'
import { sharedWithNeighbours } from './other-users/neighbours.js'
import {
  keepWhatOthersNowUse,
  taskDefinitionKeepReason,
  type OtherUsersCheck,
  type OtherUsersLookup
} from './other-users/index.js'

// Its part of the report (docs/report.md), declared here: report.ts knows none of the kinds.
declare module '../report/report.js' {
  interface RelatedReport {
    taskDefinitions: { family: string; revisions: string[]; action: 'deregistered' }[]
  }
  interface RelatedFound {
    taskDefinitionFamilies: number
  }
  interface KindLeftovers {
    'task-definition': true
  }
}

/**
 * The task definition revisions the services and tasks being removed used (input
 * `deregister-task-definitions`). Found without a call: the inventory already read them from every
 * deployment of every service and from every task. Deregistered once the cluster is gone.
 */

export interface TaskDefinitionFamily {
  family: string
  /** The revisions (ARNs) the cluster's services and tasks used. */
  arns: string[]
}

export interface TaskDefinitionsPlan {
  /** The revisions to deregister (with deregister-task-definitions), by family. */
  families: TaskDefinitionFamily[]
  deregister: boolean
  /** With deregister-task-definitions: the revisions kept because something else may use them. */
  kept: { arn: string; reason: string }[]
  /** Asked again right before deregistering: a neighbour may have started using one meanwhile. */
  otherUsers?: OtherUsersLookup
}

/** The revisions; with deregister-task-definitions, also who outside the run's clusters uses them. */
export interface TaskDefinitionsFound {
  arns: string[]
  others?: OtherUsersCheck
  lookup?: OtherUsersLookup
}

export const taskDefinitionsKind: ResourceKind<TaskDefinitionsFound, TaskDefinitionsPlan> = {
  name: 'task definitions',
  emptyReport: (): ReportPart<'taskDefinitions', 'taskDefinitionFamilies'> => ({
    found: { taskDefinitionFamilies: 0 },
    taskDefinitions: []
  }),

  async find(ctx, scope, settings) {
    const arns = scope.taskDefinitions
    // Only when something may be deregistered on its account: no cost otherwise.
    if (!settings.deregisterTaskDefinitions || arns.length === 0 || !ctx.otherUsers) return { arns }
    return { arns, others: await ctx.otherUsers.atPlan(ctx), lookup: ctx.otherUsers }
  },

  recordFound(found, report) {
    report.found.taskDefinitionFamilies = new Set(found.arns.map(arn => arn.replace(/:\d+$/, ''))).size
  },

  decide(found, { settings, scope }) {
    if (!settings.deregisterTaskDefinitions)
      return { families: families(found.arns), deregister: false, kept: [] }
    // Services mode: a revision another service of the cluster runs is kept too.
    const shared = sharedWithNeighbours(scope).taskDefinitions
    const kept = [
      ...[...shared].map(([arn, users]) => ({ arn, reason: `${users.join(', ')} also run(s) it` })),
      ...keptRevisions(
        found.arns.filter(arn => !shared.has(arn)),
        found.others
      )
    ]
    return {
      families: families(found.arns.filter(arn => !kept.some(k => k.arn === arn))),
      deregister: true,
      kept,
      ...(found.lookup ? { otherUsers: found.lookup } : {})
    }
  },

  steps(plan) {
    if (!plan.deregister || plan.families.length === 0) return []
    const arns = plan.families.flatMap(f => f.arns)
    return [
      {
        stage: 'after-cluster',
        phase: 'deregister-task-definitions',
        description: `Deregister ${count(arns.length, 'task definition revision')} of ${count(plan.families.length, 'family', 'families')} that no other cluster's services or tasks use`,
        resources: arns.map(lastPartOfArn)
      }
    ]
  },

  notes: plan => plan.kept.map(k => `task definition ${lastPartOfArn(k.arn)} will be kept: ${k.reason}`),

  actions: {
    'after-cluster': {
      phase: 'task definitions',
      needed: plan => plan.deregister && plan.families.length + plan.kept.length > 0,
      run: async (ctx, plan) => {
        const now = await keepRevisionsOthersNowUse(ctx, plan)
        for (const k of now.kept)
          ctx.report.leftovers.push({
            kind: 'task-definition',
            id: lastPartOfArn(k.arn),
            reason: `kept: ${k.reason}`
          })
        await deregisterTaskDefinitions(ctx, now.families)
      }
    }
  },

  unfinished(plan, report) {
    if (!plan.deregister) return []
    const kept = plan.kept.map(k => ({
      kind: 'task-definition' as const,
      id: lastPartOfArn(k.arn),
      reason: `kept: ${k.reason}`
    }))
    return kept.concat(
      plan.families
        .filter(f => !report.related?.taskDefinitions.some(t => t.family === f.family))
        .map(f => ({
          kind: 'task-definition' as const,
          id: f.family,
          reason: 'still ACTIVE: not deregistered before the run stopped'
        }))
    )
  },

  countRows(r, left) {
    const revisions = r.taskDefinitions.reduce((n, t) => n + t.revisions.length, 0)
    if (revisions === 0 && left('task-definition') === 0) return []
    return [
      {
        label: 'Task definition families',
        found: r.found.taskDefinitionFamilies,
        removed: r.taskDefinitions.length,
        leftoverKind: 'task-definition'
      }
    ]
  },

  doneLists(r) {
    return [
      {
        title: 'Task definitions deregistered',
        items: r.taskDefinitions.map(
          t => `<b>${escapeHtml(t.family)}</b>: ${t.revisions.map(code).join(', ')}`
        )
      }
    ]
  },

  links: { 'task-definition': (region, id) => consoleLinks.taskDefinition(region, id) }
}

/** The revisions to keep, and why: with the other clusters unread, every one. */
function keptRevisions(
  arns: string[],
  others: OtherUsersCheck | undefined
): { arn: string; reason: string }[] {
  return arns
    .map(arn => ({ arn, reason: taskDefinitionKeepReason(arn, others) }))
    .filter((k): k is { arn: string; reason: string } => k.reason !== undefined)
}

/** The plan again with a fresh look at who else uses the revisions: it only ever keeps more. */
async function keepRevisionsOthersNowUse(
  ctx: ApplyContext,
  plan: TaskDefinitionsPlan
): Promise<TaskDefinitionsPlan> {
  const now = await keepWhatOthersNowUse(
    ctx,
    {
      decisions: plan.families.flatMap(f =>
        f.arns.map((arn): Decision & { arn: string } => ({ arn, delete: true }))
      ),
      ...(plan.otherUsers ? { otherUsers: plan.otherUsers } : {})
    },
    (d, fresh) => taskDefinitionKeepReason(d.arn, fresh),
    'revision'
  )
  const newly = now.filter(d => !d.delete).map(d => ({ arn: d.arn, reason: d.keepReason ?? '' }))
  if (newly.length === 0) return plan
  return {
    ...plan,
    families: plan.families
      .map(f => ({ ...f, arns: f.arns.filter(arn => !newly.some(k => k.arn === arn)) }))
      .filter(f => f.arns.length > 0),
    kept: [...plan.kept, ...newly]
  }
}

async function deregisterTaskDefinitions(ctx: ApplyContext, families: TaskDefinitionFamily[]): Promise<void> {
  await Promise.all(
    families.map(async family => {
      const done: string[] = []
      for (const arn of family.arns) {
        try {
          await callAws(ctx, ctx.ecs, new DeregisterTaskDefinitionCommand({ taskDefinition: arn }))
        } catch (error) {
          // INACTIVE already (its stack deregistered it, or an earlier run), or deleted since.
          if (
            isAwsError(error, 'ClientException', 'InvalidParameterException') &&
            /inactive|not found|does not exist|unable to/i.test(errorMessage(error))
          ) {
            ctx.log.info(`Task definition ${lastPartOfArn(arn)} is already deregistered`)
            continue
          }
          throw error
        }
        done.push(lastPartOfArn(arn))
        ctx.log.info(`Deregistered task definition ${lastPartOfArn(arn)}`)
      }
      if (done.length > 0)
        relatedReport(ctx.report).taskDefinitions.push({
          family: family.family,
          revisions: done,
          action: 'deregistered'
        })
    })
  )
}

/** Task definition ARNs grouped by family (`…:task-definition/family:revision`). */
export function families(arns: string[]): TaskDefinitionFamily[] {
  const byFamily = new Map<string, string[]>()
  for (const arn of arns) {
    if (!isRevision(arn)) continue
    const family = familyOf(arn)
    byFamily.set(family, [...(byFamily.get(family) ?? []), arn])
  }
  return [...byFamily].map(([family, list]) => ({ family, arns: list.sort() }))
}
