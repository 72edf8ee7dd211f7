import { isAvailable } from '../../aws/clients.js'
import type { ClusterInfo } from '../../inventory/index.js'
import { tolerateDenied } from '../../inventory/index.js'
import { code, escapeHtml } from '../../report/html.js'
import { consoleLinks } from '../../report/links.js'
import type { TriggerMode } from '../../settings.js'
import { explainAwsError, isAccessDenied } from '../../util/errors.js'
import {
  count,
  shownRows,
  type FindContext,
  type KindStep,
  type ResourceKind,
  type ReportPart
} from '../kind.js'
import { disableRule, findTriggers, removeTargets, ruleLabel, type TriggerInfo } from './rules.js'
import {
  deleteSchedule,
  disableSchedule,
  findSchedules,
  scheduleLabel,
  type ScheduleInfo
} from './schedules.js'
import { familiesToStop, sharedWithNeighbours } from '../other-users/neighbours.js'
import { notDone } from '../bookkeeping.js'

// Its part of the report (docs/report.md), declared here: report.ts knows none of the kinds.
declare module '../../report/report.js' {
  interface RelatedReport {
    /** `bus`: the rule's event bus, when it is not the default one. */
    triggers: { rule: string; bus?: string; targets: string[]; action: 'targets-removed' | 'disabled' }[]
    schedules: { name: string; group: string; action: 'deleted' | 'disabled' }[]
  }
  interface RelatedFound {
    triggers: number
    schedules: number
  }
  interface KindLeftovers {
    trigger: true
    schedule: true
  }
}

export type { TriggerInfo } from './rules.js'
export type { ScheduleInfo } from './schedules.js'

/**
 * What starts tasks on the cluster (input `triggers`): EventBridge rules with an ECS target on it,
 * on every event bus, and EventBridge Scheduler schedules, in every group, whose target runs tasks
 * on it. Before any service is touched they stop doing so, or the tasks they start would keep the
 * cluster from ever being empty. `remove` takes only this cluster's targets off each rule and
 * deletes each schedule (a schedule has one target); `disable` turns the whole rule or schedule
 * off; `keep` does not look.
 */

export interface TriggersFound {
  /** Undefined: EventBridge was not looked at (not available to this run). */
  rules?: TriggerInfo[]
  /** Undefined: EventBridge Scheduler was not looked at (not available to this run). */
  schedules?: ScheduleInfo[]
}

export interface TriggersPlan {
  mode: TriggerMode
  /** The rules to act on before anything else (none with `keep`). */
  triggers: TriggerInfo[]
  /** The schedules to act on before anything else (none with `keep`; with `disable`, the enabled ones). */
  schedules: ScheduleInfo[]
  /** Services mode: families another service of the cluster runs too: what starts them is kept. */
  sharedFamilies?: { family: string; users: string[] }[]
  /**
   * Services mode with `disable`: rules that also have other targets, which disabling would stop
   * too; only this run's targets are removed from them.
   */
  removeOnly?: string[]
}

const PHASE = 'EventBridge rules and schedules'

export const triggersKind: ResourceKind<TriggersFound | undefined, TriggersPlan> = {
  name: PHASE,
  emptyReport: (): ReportPart<'triggers' | 'schedules', 'triggers' | 'schedules'> => ({
    found: { triggers: 0, schedules: 0 },
    triggers: [],
    schedules: []
  }),

  async find(ctx, scope, settings) {
    if (settings.triggers === 'keep') return undefined
    // Services mode: only what starts a family of the services being removed that no other service
    // of the cluster runs (the rest is kept: the notes say so).
    const families = familiesToStop(scope)
    if (families?.size === 0) return { rules: [], schedules: [] }
    const [rules, schedules] = await Promise.all([
      readRules(ctx, scope.cluster.arn, families),
      readSchedules(ctx, scope.cluster, families)
    ])
    return { ...(rules ? { rules } : {}), ...(schedules ? { schedules } : {}) }
  },

  recordFound(found, report, log) {
    report.found.triggers = found?.rules?.length ?? 0
    report.found.schedules = found?.schedules?.length ?? 0
    for (const t of found?.rules ?? [])
      log.info(
        `EventBridge rule ${ruleLabel(t)} starts tasks on this cluster (${t.targetIds.length} target(s))`
      )
    for (const s of found?.schedules ?? [])
      log.info(
        `EventBridge Scheduler schedule ${scheduleLabel(s)} starts tasks on this cluster (${s.state.toLowerCase()})`
      )
  },

  decide(found, { settings, scope }) {
    const mode = settings.triggers
    if (mode === 'keep') return { mode, triggers: [], schedules: [] }
    const schedules = found?.schedules ?? []
    const shared = sharedWithNeighbours(scope).families
    return {
      mode,
      triggers: found?.rules ?? [],
      ...(shared.size > 0
        ? { sharedFamilies: [...shared].map(([family, users]) => ({ family, users })) }
        : {}),
      ...(!scope.wholeCluster && mode === 'disable'
        ? { removeOnly: (found?.rules ?? []).filter(t => t.otherTargets > 0).map(ruleLabel) }
        : {}),
      // A disabled schedule starts nothing; `remove` still deletes it, as it would start tasks on a
      // cluster that no longer exists once someone enables it.
      schedules: mode === 'disable' ? schedules.filter(s => s.state === 'ENABLED') : schedules
    }
  },

  steps(plan) {
    // First: nothing may start tasks on the cluster while it is being emptied.
    const steps: KindStep[] = []
    if (plan.triggers.length > 0)
      steps.push({
        stage: 'before-services',
        phase: 'triggers',
        description:
          plan.mode === 'disable'
            ? `Disable ${count(plan.triggers.length, 'EventBridge rule')} that start tasks on this cluster`
            : `Remove this cluster's targets from ${count(plan.triggers.length, 'EventBridge rule')} that start its tasks`,
        resources: plan.triggers.map(ruleLabel)
      })
    if (plan.schedules.length > 0)
      steps.push({
        stage: 'before-services',
        phase: 'schedules',
        description: `${plan.mode === 'disable' ? 'Disable' : 'Delete'} ${count(plan.schedules.length, 'EventBridge Scheduler schedule')} that start tasks on this cluster`,
        resources: plan.schedules.map(scheduleLabel)
      })
    return steps
  },

  notes(plan) {
    const kept = (plan.sharedFamilies ?? []).map(
      f =>
        `EventBridge targets and schedules that start family ${f.family} on this cluster will be kept: ${f.users.join(', ')} also run(s) it`
    )
    if (plan.mode !== 'disable') return kept
    return [
      ...kept,
      ...plan.triggers
        .filter(t => t.otherTargets > 0)
        .map(t =>
          plan.removeOnly?.includes(ruleLabel(t))
            ? `EventBridge rule ${ruleLabel(t)} also has ${t.otherTargets} other target(s): only this run's targets will be removed from it, not the whole rule disabled`
            : `EventBridge rule ${ruleLabel(t)} will be disabled as a whole, which also stops its ${t.otherTargets} other target(s)`
        ),
      ...plan.schedules.map(
        s =>
          `schedule ${scheduleLabel(s)} will be disabled with UpdateSchedule, which needs iam:PassRole on the schedule's execution role`
      )
    ]
  },

  actions: {
    'before-services': {
      phase: PHASE,
      needed: plan => plan.triggers.length > 0 || plan.schedules.length > 0,
      run: async (ctx, plan) => {
        const disable = plan.mode === 'disable'
        await Promise.all([
          ...plan.triggers.map(t =>
            disable && !plan.removeOnly?.includes(ruleLabel(t)) ? disableRule(ctx, t) : removeTargets(ctx, t)
          ),
          ...plan.schedules.map(s => (disable ? disableSchedule(ctx, s) : deleteSchedule(ctx, s)))
        ])
      }
    }
  },

  unfinished(plan, report) {
    const done = report.related
    const reason = 'may still start tasks on this cluster: not changed before the run stopped'
    return [
      ...notDone(
        plan.triggers,
        t => done?.triggers.some(d => d.rule === t.rule && d.bus === t.bus) ?? false,
        {
          kind: 'trigger',
          id: ruleLabel,
          reason
        }
      ),
      ...notDone(
        plan.schedules,
        s => done?.schedules.some(d => d.name === s.name && d.group === s.group) ?? false,
        { kind: 'schedule', id: scheduleLabel, reason }
      )
    ]
  },

  countRows(r, left) {
    return shownRows(
      [
        {
          label: 'EventBridge rules starting tasks',
          found: r.found.triggers,
          removed: r.triggers.length,
          leftoverKind: 'trigger' as const
        },
        {
          label: 'EventBridge Scheduler schedules starting tasks',
          found: r.found.schedules,
          removed: r.schedules.length,
          leftoverKind: 'schedule' as const
        }
      ],
      left
    )
  },

  doneLists(r) {
    return [
      {
        title: 'EventBridge rules that started tasks',
        items: r.triggers.map(t => {
          const name = code(ruleLabel(t))
          return t.action === 'disabled'
            ? `${name}: disabled`
            : `${name}: ${t.targets.length} target(s) removed (${t.targets.map(code).join(', ')})`
        })
      },
      {
        title: 'EventBridge Scheduler schedules that started tasks',
        items: r.schedules.map(s => `${code(scheduleLabel(s))}: ${escapeHtml(s.action)}`)
      }
    ]
  },

  links: {
    trigger: (region, id) => {
      const slash = id.lastIndexOf('/')
      return slash < 0
        ? consoleLinks.eventRule(region, id)
        : consoleLinks.eventRule(region, id.slice(slash + 1), id.slice(0, slash))
    },
    schedule: (region, id) => {
      const slash = id.indexOf('/')
      return consoleLinks.schedule(region, id.slice(0, slash), id.slice(slash + 1))
    }
  }
}

async function readRules(
  ctx: FindContext,
  clusterArn: string,
  families: ReadonlySet<string> | undefined
): Promise<TriggerInfo[] | undefined> {
  if (!isAvailable(ctx.events)) {
    ctx.log.info('EventBridge is not available to this run: rules that start tasks were not looked for')
    return undefined
  }
  return explainDenied(tolerateDenied(ctx, findTriggers(ctx, clusterArn, families), []))
}

async function readSchedules(
  ctx: FindContext,
  cluster: ClusterInfo,
  families: ReadonlySet<string> | undefined
): Promise<ScheduleInfo[] | undefined> {
  if (!isAvailable(ctx.scheduler)) {
    ctx.log.info(
      'EventBridge Scheduler is not available to this run: schedules that start tasks were not looked for'
    )
    return undefined
  }
  return explainDenied(tolerateDenied(ctx, findSchedules(ctx, cluster, families), []))
}

/** Reading what starts tasks is on by default: a denial says how to do without it. */
async function explainDenied<T>(read: Promise<T>): Promise<T> {
  try {
    return await read
  } catch (error) {
    if (!isAccessDenied(error)) throw error
    throw new Error(
      `${explainAwsError(error)} To tear down without looking at EventBridge rules and schedules, set triggers: keep.`,
      { cause: error }
    )
  }
}
