import type { ApplyContext } from '../apply/context.js'
import { isAvailable } from '../aws/clients.js'
import { tolerateDenied } from '../inventory/index.js'
import { code } from '../report/html.js'
import { consoleLinks } from '../report/links.js'
import { count, countRow, relatedReport, shownRows, type ResourceKind, type ReportPart } from './kind.js'
import { decideLoadBalancers, findLoadBalancers, withOtherUsers } from './load-balancers/decide.js'
import { idleLoadBalancers } from './load-balancers/idle.js'
import {
  nameOfArn,
  removeCommand,
  type LoadBalancersFound,
  type LoadBalancersPlan
} from './load-balancers/model.js'
import { listenerName } from './load-balancers/rules.js'
import { deleteRulesAndGroups, neighbourTargetGroups } from './load-balancers/target-groups.js'
import { keptNotes, notDone } from './bookkeeping.js'

// Its part of the report (docs/report.md), declared here: report.ts knows none of the kinds.
declare module '../report/report.js' {
  interface RelatedReport {
    listenerRules: { arn: string; action: 'deleted' }[]
    targetGroups: { arn: string; name: string; action: 'deleted' }[]
  }
  interface RelatedFound {
    listenerRules: number
    targetGroups: number
  }
  interface KindLeftovers {
    'listener-rule': true
    'target-group': true
    'load-balancer': true
    'lattice-target-group': true
  }
}

/**
 * The listener rules and target groups of the services being removed (input
 * `delete-target-groups`). DeleteService leaves them: on a load balancer shared by preview
 * environments they pile up to the quota of 100 rules and the next deployment fails. Found from
 * each service's `loadBalancers` (and the blue/green alternate group and listener rules); reported
 * by default, deleted with the input once the services are INACTIVE. A rule is deleted only when
 * every group it forwards to goes; a default action, a group another service uses and any load
 * balancer are never deleted.
 *
 * The kind object is here; what it finds and decides is in load-balancers/: model.ts (the data),
 * rules.ts (listeners and their rules), target-groups.ts (the groups, read and deleted), drain.ts
 * (the deregistration delays that time the drain), idle.ts (load balancers left serving nothing),
 * decide.ts (finding them all, and which go).
 */

const emptyFound: LoadBalancersFound = {
  refs: [],
  namedRules: [],
  latticeTargetGroups: [],
  targetGroups: [],
  rules: [],
  usedElsewhere: {}
}

export const loadBalancersKind: ResourceKind<LoadBalancersFound, LoadBalancersPlan> = {
  name: 'load balancer rules and target groups',
  emptyReport: (): ReportPart<'listenerRules' | 'targetGroups', 'listenerRules' | 'targetGroups'> => ({
    found: { listenerRules: 0, targetGroups: 0 },
    listenerRules: [],
    targetGroups: []
  }),
  hints: plan => ({ drainDelayMs: plan.drainDelayMs }),

  find(ctx, scope, settings) {
    if (
      !isAvailable(ctx.elbv2) ||
      !scope.services.some(
        s => (s.loadBalancers ?? []).length > 0 || (s.vpcLatticeTargetGroups ?? []).length > 0
      )
    )
      return Promise.resolve(emptyFound)
    const neighbourUsers = neighbourTargetGroups(scope.neighbours?.services ?? [])
    return tolerateDenied(
      ctx,
      findLoadBalancers(ctx, scope.services, settings.deleteTargetGroups).then(found =>
        Object.keys(neighbourUsers).length > 0 ? { ...found, neighbourUsers } : found
      ),
      emptyFound
    )
  },

  recordFound(found, report, log) {
    const plan = decideLoadBalancers(found, false)
    report.found.targetGroups = plan.targetGroups.length
    report.found.listenerRules = plan.rules.length
    if (found.othersUnknown) log.info(`Target groups will be kept: ${found.othersUnknown}`)
  },

  decide(found, { settings }) {
    return decideLoadBalancers(found, settings.deleteTargetGroups)
  },

  steps(plan) {
    const rules = plan.rules.filter(r => r.delete)
    const groups = plan.targetGroups.filter(g => g.delete)
    if (rules.length === 0 && groups.length === 0) return []
    return [
      {
        stage: 'after-services',
        phase: 'delete-target-groups',
        description: `Delete ${count(rules.length, 'listener rule')} and ${count(groups.length, 'target group')} only the removed services use`,
        resources: [...rules.map(r => r.rule.arn), ...groups.map(g => g.group.arn)]
      }
    ]
  },

  notes(plan) {
    if (!plan.deleting) return []
    return [
      ...keptNotes(plan.rules, r => `listener rule ${r.rule.arn}`),
      ...keptNotes(plan.targetGroups, g => `target group ${g.group.name}`)
    ]
  },

  actions: {
    // Also without delete-target-groups: what is left is reported, with the command that removes it.
    'after-services': {
      phase: 'load balancer rules and target groups',
      needed: plan => plan.rules.length + plan.targetGroups.length + plan.latticeTargetGroups.length > 0,
      run: (ctx, plan) => applyLoadBalancers(ctx, plan)
    }
  },

  unfinished(plan, report) {
    const done = report.related
    return [
      ...notDone(
        plan.rules.filter(r => r.delete),
        r => done?.listenerRules.some(x => x.arn === r.rule.arn) ?? false,
        { kind: 'listener-rule', id: r => r.rule.arn }
      ),
      ...notDone(
        plan.targetGroups.filter(g => g.delete),
        g => done?.targetGroups.some(x => x.arn === g.group.arn) ?? false,
        { kind: 'target-group', id: g => g.group.arn }
      )
    ]
  },

  countRows(r, left) {
    return shownRows(
      [
        countRow('Listener rules', r.found.listenerRules, r.listenerRules.length, 'listener-rule'),
        countRow('Target groups', r.found.targetGroups, r.targetGroups.length, 'target-group')
      ],
      left
    )
  },

  doneLists(r) {
    return [
      { title: 'Listener rules deleted', items: r.listenerRules.map(x => code(x.arn)) },
      { title: 'Target groups deleted', items: r.targetGroups.map(x => code(x.name)) }
    ]
  },

  links: {
    'target-group': (region, id) => consoleLinks.targetGroup(region, id),
    'load-balancer': (region, id) => consoleLinks.loadBalancer(region, id)
  }
}

async function applyLoadBalancers(ctx: ApplyContext, planned: LoadBalancersPlan): Promise<void> {
  const related = relatedReport(ctx.report)
  // A neighbour may have started using a group while the cluster emptied: look again before deleting.
  const lookup = planned.found.lookup
  const plan =
    planned.deleting && lookup
      ? decideLoadBalancers(withOtherUsers(planned.found, await lookup.beforeRemoving(ctx)), true)
      : planned
  const done = { rules: [] as string[], targetGroups: [] as string[] }
  if (plan.deleting) {
    try {
      await deleteRulesAndGroups(ctx, plan, done)
    } finally {
      for (const arn of done.rules) related.listenerRules.push({ arn, action: 'deleted' })
      for (const arn of done.targetGroups)
        related.targetGroups.push({
          arn,
          name: plan.targetGroups.find(g => g.group.arn === arn)?.group.name ?? nameOfArn(arn),
          action: 'deleted'
        })
    }
  }
  for (const d of plan.rules.filter(r => !r.delete)) {
    ctx.report.leftovers.push({
      kind: 'listener-rule',
      id: d.rule.arn,
      reason: `${d.rule.isDefault ? 'default rule' : `rule ${d.rule.priority}`} of the ${listenerName(d.rule)} on load balancer ${nameOfArn(d.rule.loadBalancerArn)}, forwarding to ${d.rule.forwardsTo.map(t => nameOfArn(t.targetGroupArn)).join(', ')}; kept: ${d.keepReason}${d.rule.isDefault ? '' : `; remove it with: ${removeCommand.rule(d.rule.arn)}`}`
    })
  }
  for (const d of plan.targetGroups.filter(g => !g.delete)) {
    ctx.report.leftovers.push({
      kind: 'target-group',
      id: d.group.arn,
      reason: `target group ${d.group.name} of ${d.services.join(', ')}${d.group.loadBalancerArns.length ? ` on load balancer ${d.group.loadBalancerArns.map(nameOfArn).join(', ')}` : ''}; kept: ${d.keepReason}; once no rule forwards to it, remove it with: ${removeCommand.targetGroup(d.group.arn)}`
    })
  }
  for (const l of plan.latticeTargetGroups) {
    ctx.report.leftovers.push({
      kind: 'lattice-target-group',
      id: l.arn,
      reason: `VPC Lattice target group of ${l.service}: reported only; once nothing uses it, remove it with: ${removeCommand.latticeTargetGroup(l.arn)}`
    })
  }
  // A load balancer on which this run deleted no rule still has the rules the plan saw: one with a
  // rule of its own left is not idle, and needs no second look.
  const changed = new Set(
    done.rules.map(arn => plan.rules.find(d => d.rule.arn === arn)?.rule.loadBalancerArn)
  )
  const stillRouting = (lb: string): boolean =>
    !changed.has(lb) && plan.found.rules.some(r => r.loadBalancerArn === lb && !r.isDefault)
  for (const lb of await idleLoadBalancers(
    ctx,
    plan.loadBalancerArns.filter(lb => !stillRouting(lb))
  )) {
    ctx.report.leftovers.push({
      kind: 'load-balancer',
      id: lb,
      reason: `load balancer ${nameOfArn(lb)} has no listener rule but its default ones and no registered target left: it serves nothing and bills by the hour; never deleted by this action (aws elbv2 delete-load-balancer --load-balancer-arn ${lb})`,
      billing: true
    })
  }
}
