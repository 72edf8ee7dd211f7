import { sdk } from '../aws/sdk.js'
import type { ApplyContext } from '../apply/context.js'
import { callAws } from '../aws/call.js'
import { Limits } from '../constants.js'
import { tolerateDenied } from '../inventory/index.js'
import { code } from '../report/html.js'
import { consoleLinks } from '../report/links.js'
import { count, relatedReport, shownRows, type ResourceKind, type ReportPart } from './kind.js'
import {
  activeFamilies,
  awslogsGroups,
  describe,
  type TaskDefinitionContext
} from '../ecs/task-definitions.js'
import { sharedWithNeighbours } from './other-users/neighbours.js'
import { logGroupKeepReason, type OtherUsersCheck, type OtherUsersLookup } from './other-users/index.js'
import { keptNotes, notDone, removeUnlessOthersUse, reportKept, type Decision } from './bookkeeping.js'
import { removeWithRetry } from '../aws/remove.js'

// Its part of the report (docs/report.md), declared here: report.ts knows none of the kinds.
declare module '../report/report.js' {
  interface RelatedReport {
    logGroups: { name: string; action: 'deleted' }[]
  }
  interface RelatedFound {
    logGroups: number
  }
  interface KindLeftovers {
    'log-group': true
  }
}

/**
 * The awslogs log groups of the task definitions being removed (input `delete-log-groups`). ECS
 * never deletes them and they bill for storage; each is deleted once the cluster is gone, unless
 * another task definition family writes to it.
 */

/** Undefined without delete-log-groups: not looked at. `others`: who outside the run's clusters writes to them. */
export type LogGroupsFound =
  (LogGroupCheck & { others?: OtherUsersCheck; lookup?: OtherUsersLookup }) | undefined

export interface LogGroupDecision extends Decision {
  group: LogGroupUse
}

export interface LogGroupsPlan {
  decisions: LogGroupDecision[]
  /** Asked again right before deleting: a neighbour may have started writing meanwhile. */
  otherUsers?: OtherUsersLookup
}

export const logGroupsKind: ResourceKind<LogGroupsFound, LogGroupsPlan> = {
  name: 'log groups',
  emptyReport: (): ReportPart<'logGroups', 'logGroups'> => ({ found: { logGroups: 0 }, logGroups: [] }),

  async find(ctx, scope, settings) {
    if (!settings.deleteLogGroups) return undefined
    const check = await tolerateDenied(
      ctx,
      checkLogGroups(ctx, scope.taskDefinitions, settings.region),
      undefined
    )
    if (!check || check.groups.length === 0 || !ctx.otherUsers) return check
    return { ...check, others: await ctx.otherUsers.atPlan(ctx), lookup: ctx.otherUsers }
  },

  recordFound(found, report, log) {
    report.found.logGroups = found?.groups.length ?? 0
    if (found?.tooManyFamilies)
      log.info(
        `More ACTIVE task definition families than ${Limits.logGroupFamiliesChecked}: log groups will be kept`
      )
  },

  decide(found, { settings, scope }) {
    const shared = sharedWithNeighbours(scope).families
    return {
      decisions: (found?.groups ?? []).map(group => {
        // Services mode: a group another service of the cluster writes to (same family) stays.
        const sharers = [...new Set(group.families.flatMap(f => shared.get(f) ?? []))]
        if (sharers.length > 0)
          return {
            group,
            delete: false,
            keepReason: `${sharers.join(', ')} also run(s) task definitions of ${group.families.join(', ')}, which write to it`
          }
        return decideLogGroup(group, found!, settings.region)
      }),
      ...(found?.lookup ? { otherUsers: found.lookup } : {})
    }
  },

  steps(plan) {
    const deleted = plan.decisions.filter(d => d.delete)
    if (deleted.length === 0) return []
    return [
      {
        stage: 'after-cluster',
        phase: 'delete-log-groups',
        description: `Delete ${count(deleted.length, 'log group')} that no other task definition family, cluster, service or task writes to`,
        resources: deleted.map(d => d.group.name)
      }
    ]
  },

  notes: plan => keptNotes(plan.decisions, d => `log group ${d.group.name}`),

  actions: {
    'after-cluster': removeUnlessOthersUse({
      phase: 'log groups',
      noun: 'log group',
      keepReason: (d: LogGroupDecision, fresh) => logGroupKeepReason(d.group.name, fresh),
      remove: deleteLogGroups
    })
  },

  unfinished: (plan, report) =>
    notDone(
      plan.decisions.filter(d => d.delete),
      d => report.related?.logGroups.some(g => g.name === d.group.name) ?? false,
      { kind: 'log-group', id: d => d.group.name, billing: true }
    ),

  countRows(r, left) {
    return shownRows(
      [
        {
          label: 'Log groups',
          found: r.found.logGroups,
          removed: r.logGroups.length,
          leftoverKind: 'log-group'
        }
      ],
      left
    )
  },

  doneLists(r) {
    return [{ title: 'Log groups deleted', items: r.logGroups.map(g => code(g.name)) }]
  },

  links: { 'log-group': (region, id) => consoleLinks.logGroup(region, id) }
}

/** A log group the cluster's task definitions send container logs to (the awslogs driver). */
export interface LogGroupUse {
  name: string
  /** `awslogs-region`, else the cluster's region. */
  region: string
  /** This cluster's task definition families that write to it. */
  families: string[]
}

export interface LogGroupCheck {
  groups: LogGroupUse[]
  /** Per group name: the other families whose latest ACTIVE revision writes to it. */
  usedElsewhere: Record<string, string[]>
  /** ACTIVE families read to find those users. */
  familiesChecked: number
  /** More ACTIVE families than the bound: no one checked, every group is kept. */
  tooManyFamilies?: boolean
}

/**
 * The log groups of the given task definitions, and who else writes to them. A task definition is
 * not tied to a cluster, so "someone else" is judged by family, with a bounded number of calls: every
 * ACTIVE family (ListTaskDefinitionFamilies, pages of 100) and its latest ACTIVE revision (one
 * DescribeTaskDefinition each). A family whose latest revision is one this cluster ran counts as this
 * cluster's own. With more than Limits.logGroupFamiliesChecked families nothing is read and every
 * group is kept: the answer would not be complete.
 */
export async function checkLogGroups(
  ctx: TaskDefinitionContext,
  taskDefinitionArns: string[],
  region: string
): Promise<LogGroupCheck> {
  const used = new Set(taskDefinitionArns)
  const mine = await Promise.all([...used].map(arn => describe(ctx, arn)))
  const groups = new Map<string, LogGroupUse>()
  for (const td of mine) {
    if (!td) continue
    for (const group of awslogsGroups(td, region)) {
      const entry = groups.get(group.name) ?? { ...group, families: [] }
      if (td.family && !entry.families.includes(td.family)) entry.families.push(td.family)
      groups.set(group.name, entry)
    }
  }
  const check: LogGroupCheck = { groups: [...groups.values()], usedElsewhere: {}, familiesChecked: 0 }
  if (groups.size === 0) return check

  const families = await activeFamilies(ctx, Limits.logGroupFamiliesChecked)
  if (!families) return { ...check, tooManyFamilies: true }
  check.familiesChecked = families.length
  const latest = await Promise.all(families.map(family => describe(ctx, family)))
  for (const td of latest) {
    // Only an ACTIVE revision can start new tasks (some emulators answer a family with an INACTIVE one).
    if (!td?.family || td.status !== 'ACTIVE' || used.has(td.taskDefinitionArn ?? '')) continue
    for (const group of awslogsGroups(td, region)) {
      const mineToo = groups.get(group.name)
      if (!mineToo || mineToo.region !== group.region) continue
      const users = (check.usedElsewhere[group.name] ??= [])
      if (!users.includes(td.family)) users.push(td.family)
    }
  }
  return check
}

function decideLogGroup(
  group: LogGroupUse,
  check: NonNullable<LogGroupsFound>,
  region: string
): LogGroupDecision {
  if (check.tooManyFamilies) {
    return {
      group,
      delete: false,
      keepReason:
        'the account has more ACTIVE task definition families than this run checks, so another user cannot be ruled out'
    }
  }
  if (group.region !== region) {
    return {
      group,
      delete: false,
      keepReason: `it is in ${group.region}, not the cluster's Region ${region}; delete it there if nothing else writes to it`
    }
  }
  const writtenElsewhere = logGroupKeepReason(group.name, check.others)
  if (writtenElsewhere) return { group, delete: false, keepReason: writtenElsewhere }
  const users = check.usedElsewhere[group.name] ?? []
  if (users.length > 0) {
    return {
      group,
      delete: false,
      keepReason: `task definition family ${users.join(', ')} (latest ACTIVE revision) also writes to it`
    }
  }
  return { group, delete: true }
}

async function deleteLogGroups(ctx: ApplyContext, decisions: LogGroupDecision[]): Promise<void> {
  reportKept(ctx, 'log-group', decisions, d => d.group.name)
  await Promise.all(decisions.filter(d => d.delete).map(d => deleteLogGroup(ctx, d.group.name)))
}

async function deleteLogGroup(ctx: ApplyContext, name: string): Promise<void> {
  const result = await removeWithRetry(ctx, {
    what: `log group ${name}`,
    call: async () =>
      callAws(ctx, ctx.logs, new (await sdk.logs()).DeleteLogGroupCommand({ logGroupName: name })),
    // Deleted with the stack, or never created (awslogs-create-group off and no task ever ran).
    gone: [{ codes: ['ResourceNotFoundException'] }],
    notYet: [{ codes: ['OperationAbortedException'] }],
    deadline: ctx.deadline,
    onDeadline: reason => `log group ${name} could not be deleted before the deadline: ${reason}`
  })
  if (result.outcome === 'gone') {
    ctx.log.info(`Log group ${name} does not exist (any more)`)
    return
  }
  relatedReport(ctx.report).logGroups.push({ name, action: 'deleted' })
  ctx.log.info(`Deleted log group ${name}`)
}
