import { DeregisterTaskDefinitionCommand } from '@aws-sdk/client-ecs'
import type { ApplyContext } from '../apply/context.js'
import { callAws } from '../aws/call.js'
import { code, escapeHtml } from '../report/html.js'
import { consoleLinks } from '../report/links.js'
import { errorMessage, isAwsError } from '../util/errors.js'
import { count, relatedReport, type ResourceKind } from './kind.js'
import { sharedWithNeighbours } from './shared.js'

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
  families: TaskDefinitionFamily[]
  deregister: boolean
  /** Services mode: revisions another service of the cluster runs too, kept (with who runs them). */
  shared?: { arn: string; users: string[] }[]
}

export const taskDefinitionsKind: ResourceKind<string[], TaskDefinitionsPlan> = {
  name: 'task definitions',

  find(_ctx, scope) {
    return Promise.resolve(scope.taskDefinitions)
  },

  recordFound(found, report) {
    report.found.taskDefinitionFamilies = new Set(found.map(arn => arn.replace(/:\d+$/, ''))).size
  },

  decide(found, { settings, scope }) {
    const shared = sharedWithNeighbours(scope).taskDefinitions
    return {
      families: families(found.filter(arn => !shared.has(arn))),
      deregister: settings.deregisterTaskDefinitions,
      ...(shared.size > 0 ? { shared: [...shared].map(([arn, users]) => ({ arn, users })) } : {})
    }
  },

  steps(plan) {
    if (!plan.deregister || plan.families.length === 0) return []
    const arns = plan.families.flatMap(f => f.arns)
    return [
      {
        stage: 'after-cluster',
        phase: 'deregister-task-definitions',
        description: `Deregister ${count(arns.length, 'task definition revision')} of ${count(plan.families.length, 'family', 'families')}`,
        resources: arns.map(revisionOf)
      }
    ]
  },

  notes(plan) {
    if (!plan.deregister) return []
    return (plan.shared ?? []).map(
      t => `task definition ${revisionOf(t.arn)} will be kept: ${t.users.join(', ')} also run(s) it`
    )
  },

  actions: {
    'after-cluster': {
      phase: 'task definitions',
      needed: plan => plan.deregister && plan.families.length > 0,
      run: (ctx, plan) => deregisterTaskDefinitions(ctx, plan.families)
    }
  },

  unfinished(plan, report) {
    if (!plan.deregister) return []
    return plan.families
      .filter(f => !report.related?.taskDefinitions.some(t => t.family === f.family))
      .map(f => ({
        kind: 'task-definition' as const,
        id: f.family,
        reason: 'still ACTIVE: not deregistered before the run stopped'
      }))
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
            ctx.log.info(`Task definition ${revisionOf(arn)} is already deregistered`)
            continue
          }
          throw error
        }
        done.push(revisionOf(arn))
        ctx.log.info(`Deregistered task definition ${revisionOf(arn)}`)
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
    const family = familyOf(arn)
    if (!family) continue
    byFamily.set(family, [...(byFamily.get(family) ?? []), arn])
  }
  return [...byFamily].map(([family, list]) => ({ family, arns: list.sort() }))
}

export function familyOf(arn: string): string | undefined {
  const name = arn.slice(arn.lastIndexOf('/') + 1)
  const colon = name.lastIndexOf(':')
  return colon > 0 ? name.slice(0, colon) : undefined
}

export function revisionOf(arn: string): string {
  return arn.slice(arn.lastIndexOf('/') + 1)
}
