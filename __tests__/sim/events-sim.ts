import { EventBridgeServiceException } from '@aws-sdk/client-eventbridge'
import { ACCOUNT, type EcsSim } from './ecs-sim.js'
import { ServiceSim } from './service-sim.js'

/**
 * A strict model of the EventBridge rules (on the default and on custom event buses) a teardown touches, on the EcsSim's
 * virtual time, and a scheduler that really starts tasks: while a rule is ENABLED, every
 * `rateMs` it runs `TaskCount` tasks of each of its ECS targets on the target's cluster (as
 * EventBridge does, startedBy `events-rule/<rule>`), so a teardown that leaves the rule alone keeps
 * finding new tasks.
 * - ListRuleNamesByTarget and ListTargetsByRule: `Limit` 1–100, pages with NextToken.
 * - RemoveTargets: 1–100 ids; DisableRule; an unknown rule is ResourceNotFoundException; a rule
 *   another service manages refuses both (ManagedRuleException) unless `Force` (RemoveTargets).
 * - ListEventBuses: `Limit` 1–100, pages with NextToken; the default bus is always there.
 * - EventBusName (name or ARN) on the rule calls: left out means the default bus; a bus that does
 *   not exist is ResourceNotFoundException; a rule is found only on its own bus.
 * Assumed, not verified: RemoveTargets with an id the rule does not have succeeds and changes nothing.
 * One test per rule in __tests__/sim/events-sim.test.ts.
 */

export interface SimEcsTarget {
  Id: string
  /** The cluster's ARN, as for every ECS target. */
  Arn: string
  RoleArn?: string
  EcsParameters: { TaskDefinitionArn: string; TaskCount?: number; LaunchType?: string }
}

export interface SimRule {
  name: string
  /** Its event bus (`default` unless made on a custom one). */
  bus: string
  arn: string
  state: 'ENABLED' | 'DISABLED'
  /** `rate(…)`: how often it fires; undefined for an event-pattern rule. */
  rateMs?: number
  /** Another AWS service manages it (ManagedBy). */
  managedBy?: string
  targets: (SimEcsTarget | { Id: string; Arn: string })[]
  /** Virtual time of the last firing accounted for. */
  firedUntil: number
}

export const EVENTS_MUTATING_OPERATIONS = new Set([
  'RemoveTargets',
  'DisableRule',
  'PutRule',
  'PutTargets',
  'CreateEventBus'
])

export class EventsSim extends ServiceSim {
  /** By name on the default bus, by `bus/name` on a custom one. */
  readonly rules = new Map<string, SimRule>()
  readonly buses = new Set<string>(['default'])
  /** Tasks the schedules started, in order. */
  readonly started: { rule: string; at: number; taskArn: string }[] = []

  constructor(ecs: EcsSim, options: { latencyMs?: number } = {}) {
    super(
      ecs,
      { name: 'EventBridge', iamPrefix: 'events', exception: EventBridgeServiceException },
      EVENTS_MUTATING_OPERATIONS,
      options.latencyMs
    )
    ecs.observers.push(now => this.fire(now))
  }

  // ---------------------------------------------------------------- building a scenario

  createEventBus(name: string): void {
    this.buses.add(name)
  }

  putRule(
    name: string,
    opts: { rateMs?: number; state?: SimRule['state']; managedBy?: string; bus?: string } = {}
  ): SimRule {
    const bus = opts.bus ?? 'default'
    if (!this.buses.has(bus)) throw new Error(`no event bus ${bus}: createEventBus first`)
    const rule: SimRule = {
      name,
      bus,
      arn: `arn:aws:events:${this.region}:${ACCOUNT}:rule/${bus === 'default' ? '' : `${bus}/`}${name}`,
      state: opts.state ?? 'ENABLED',
      ...(opts.rateMs ? { rateMs: opts.rateMs } : {}),
      ...(opts.managedBy ? { managedBy: opts.managedBy } : {}),
      targets: [],
      firedUntil: this.now
    }
    this.rules.set(ruleKey(bus, name), rule)
    return rule
  }

  /** An ECS target: run `taskCount` tasks of `taskDefinitionArn` on `clusterArn` at each firing. */
  putEcsTarget(
    rule: string,
    id: string,
    clusterArn: string,
    taskDefinitionArn: string,
    taskCount = 1,
    bus = 'default'
  ): void {
    this.requireRule(rule, bus).targets.push({
      Id: id,
      Arn: clusterArn,
      RoleArn: `arn:aws:iam::${ACCOUNT}:role/ecsEventsRole`,
      EcsParameters: { TaskDefinitionArn: taskDefinitionArn, TaskCount: taskCount, LaunchType: 'EC2' }
    })
  }

  /** Any other target (a Lambda function, a queue…). */
  putOtherTarget(rule: string, id: string, arn: string): void {
    this.requireRule(rule).targets.push({ Id: id, Arn: arn })
  }

  /**
   * The schedule: every firing due since the last look starts its tasks, as long as the rule is
   * enabled and has ECS targets. Runs before each ECS and EventBridge call (so a rule changed by a
   * call stops firing from that moment on).
   */
  fire(now: number): void {
    for (const rule of this.rules.values()) {
      if (!rule.rateMs) continue
      while (rule.firedUntil + rule.rateMs <= now) {
        rule.firedUntil += rule.rateMs
        if (rule.state !== 'ENABLED') continue
        for (const target of rule.targets) {
          if (!('EcsParameters' in target)) continue
          const cluster = this.ecs.clusters.get(target.Arn)
          // EventBridge's RunTask on a deleted cluster fails; the rule itself does not notice.
          if (!cluster || this.ecs.clusterStatus(cluster) !== 'ACTIVE') continue
          for (let i = 0; i < (target.EcsParameters.TaskCount ?? 1); i++) {
            const task = this.ecs.runTask(target.Arn, {
              taskDefinition: target.EcsParameters.TaskDefinitionArn,
              startedBy: `events-rule/${rule.name}`
            })
            this.started.push({ rule: rule.name, at: rule.firedUntil, taskArn: task.arn })
          }
        }
      }
    }
  }

  protected override settle(): void {
    this.fire(this.now)
  }

  // ---------------------------------------------------------------- the API

  protected opListEventBuses(input: Record<string, unknown>): unknown {
    const buses = [...this.buses].sort()
    const page = this.page(
      buses,
      b => b,
      input.NextToken,
      this.limit(input),
      'event-buses',
      () => this.validation('NextToken', 'is not valid')
    )
    return {
      EventBuses: page.items.map(name => ({
        Name: name,
        Arn: `arn:aws:events:${this.region}:${ACCOUNT}:event-bus/${name}`
      })),
      NextToken: page.nextToken
    }
  }

  protected opListRuleNamesByTarget(input: Record<string, unknown>): unknown {
    if (typeof input.TargetArn !== 'string' || input.TargetArn === '')
      throw this.validation('TargetArn', 'must not be null')
    const bus = this.bus(input)
    const names = [...this.rules.values()]
      .filter(r => r.bus === bus && r.targets.some(t => t.Arn === input.TargetArn))
      .map(r => r.name)
      .sort()
    const page = this.page(
      names,
      n => n,
      input.NextToken,
      this.limit(input),
      `rule-names:${bus}`,
      () => this.validation('NextToken', 'is not valid')
    )
    return { RuleNames: page.items, NextToken: page.nextToken }
  }

  protected opListTargetsByRule(input: Record<string, unknown>): unknown {
    const rule = this.requireRule(String(input.Rule ?? ''), this.bus(input))
    const targets = [...rule.targets].sort((a, b) => a.Id.localeCompare(b.Id))
    const page = this.page(
      targets,
      t => t.Id,
      input.NextToken,
      this.limit(input),
      `targets:${rule.bus}/${rule.name}`,
      () => this.validation('NextToken', 'is not valid')
    )
    return { Targets: page.items, NextToken: page.nextToken }
  }

  protected opRemoveTargets(input: Record<string, unknown>): unknown {
    const bus = this.bus(input)
    const ids = (input.Ids as string[] | undefined) ?? []
    if (ids.length < 1 || ids.length > 100) throw this.validation('ids', 'must have length between 1 and 100')
    const rule = this.requireRule(String(input.Rule ?? ''), bus)
    this.refuseManaged(rule, input.Force === true)
    rule.targets = rule.targets.filter(t => !ids.includes(t.Id))
    return { FailedEntryCount: 0, FailedEntries: [] }
  }

  protected opDisableRule(input: Record<string, unknown>): unknown {
    const rule = this.requireRule(String(input.Name ?? ''), this.bus(input))
    this.refuseManaged(rule, false)
    rule.state = 'DISABLED'
    return {}
  }

  // ---------------------------------------------------------------- rules of the model

  private requireRule(name: string, bus = 'default'): SimRule {
    const rule = this.rules.get(ruleKey(bus, name))
    if (!rule)
      throw this.error('ResourceNotFoundException', `Rule ${name} does not exist on EventBus ${bus}.`)
    return rule
  }

  private refuseManaged(rule: SimRule, force: boolean): void {
    if (rule.managedBy && !force) {
      throw this.error(
        'ManagedRuleException',
        `Rule ${rule.name} is managed by ${rule.managedBy} and cannot be modified without Force.`
      )
    }
  }

  private limit(input: Record<string, unknown>): number {
    if (input.Limit === undefined) return 100
    const limit = Number(input.Limit)
    if (!Number.isInteger(limit) || limit < 1 || limit > 100)
      throw this.validation('limit', 'must be between 1 and 100')
    return limit
  }

  /** The bus a rule call is about: EventBusName (a name or an ARN), the default bus without it. */
  private bus(input: Record<string, unknown>): string {
    if (input.EventBusName === undefined) return 'default'
    const ref = String(input.EventBusName)
    const name = ref.startsWith('arn:') ? ref.slice(ref.indexOf(':event-bus/') + ':event-bus/'.length) : ref
    if (!this.buses.has(name))
      throw this.error('ResourceNotFoundException', `Event bus ${ref} does not exist.`)
    return name
  }

  private validation(field: string, problem: string): Error {
    return this.error(
      'ValidationException',
      `1 validation error detected: Value at '${field}' failed to satisfy constraint: Member ${problem}`
    )
  }
}

function ruleKey(bus: string, name: string): string {
  return bus === 'default' ? name : `${bus}/${name}`
}
