import { ElasticLoadBalancingV2ServiceException } from '@aws-sdk/client-elastic-load-balancing-v2'
import { ACCOUNT, type EcsSim } from './ecs-sim.js'
import { ServiceSim } from './service-sim.js'

/**
 * A strict model of the Elastic Load Balancing v2 calls a teardown makes, after botocore's
 * `elbv2` service-2.json, on the EcsSim's virtual time. The targets registered in a target group
 * are the RUNNING tasks of the ECS services whose `loadBalancers` name it (as ECS registers them),
 * plus any registered by hand, so a rule's traffic can be followed to tasks.
 * - DescribeTargetGroups takes at most one of LoadBalancerArn, TargetGroupArns, Names; an unknown
 *   ARN or name fails the whole call (TargetGroupNotFound, LoadBalancerNotFound); at most 20 ARNs
 *   (ValidationError "You cannot describe more than '20' target groups at a time": not in the model,
 *   AWS's answer as users quote it).
 * - DescribeListeners needs LoadBalancerArn or ListenerArns (ListenerNotFound, LoadBalancerNotFound);
 *   DescribeRules needs ListenerArn or RuleArns (ListenerNotFound, RuleNotFound). A listener's
 *   default rule is listed last, `IsDefault` true, priority `default`.
 * - Paging of the three: Marker / NextMarker, PageSize 1–400 (ValidationError otherwise; a marker
 *   from another list is ValidationError too).
 * - DeleteRule: RuleNotFound; a default rule is OperationNotPermitted.
 * - DeleteTargetGroup: ResourceInUse while a rule or a listener's default action forwards to the
 *   group (directly or in a weighted ForwardConfig), and for `releaseMs` after the last such rule
 *   was deleted (the deletion settles). Assumed from the model, which lists no not-found error for
 *   it: deleting a target group that does not exist succeeds.
 * - DescribeTargetHealth, DescribeTargetGroupAttributes: TargetGroupNotFound. The attributes hold the
 *   group's `deregistration_delay.timeout_seconds` (300 unless the scenario sets it).
 * One test per rule in __tests__/sim/elbv2-sim.test.ts.
 */

export const ELBV2_MUTATING_OPERATIONS = new Set([
  'DeleteRule',
  'DeleteTargetGroup',
  'DeleteListener',
  'DeleteLoadBalancer',
  'CreateRule',
  'ModifyRule',
  'ModifyListener',
  'DeregisterTargets'
])

export interface SimTargetGroupTuple {
  TargetGroupArn: string
  Weight?: number
}

export type SimElbAction =
  | {
      Type: 'forward'
      Order?: number
      TargetGroupArn?: string
      ForwardConfig?: { TargetGroups: SimTargetGroupTuple[] }
    }
  | { Type: 'fixed-response'; Order?: number; FixedResponseConfig: { StatusCode: string } }

export interface SimLoadBalancer {
  arn: string
  name: string
  createdAt: number
}

export interface SimListener {
  arn: string
  loadBalancerArn: string
  port: number
  defaultActions: SimElbAction[]
}

export interface SimElbRule {
  arn: string
  listenerArn: string
  /** 1–50000; a default rule has none. */
  priority?: number
  hosts: string[]
  actions: SimElbAction[]
}

export interface SimTargetGroup {
  arn: string
  name: string
  port: number
  /** Targets registered by hand (besides the ECS tasks of services that name the group). */
  extraTargets: string[]
  /** The attribute `deregistration_delay.timeout_seconds` (AWS's default 300). */
  deregistrationDelaySeconds: number
}

/** The target groups an action list forwards to, directly or in a weighted ForwardConfig. */
export function forwardTargets(actions: readonly SimElbAction[]): SimTargetGroupTuple[] {
  const out: SimTargetGroupTuple[] = []
  for (const action of actions) {
    if (action.Type !== 'forward') continue
    if (action.ForwardConfig) out.push(...action.ForwardConfig.TargetGroups)
    else if (action.TargetGroupArn) out.push({ TargetGroupArn: action.TargetGroupArn, Weight: 1 })
  }
  return out
}

export class ElbV2Sim extends ServiceSim {
  readonly loadBalancers = new Map<string, SimLoadBalancer>()
  readonly listeners = new Map<string, SimListener>()
  readonly rules = new Map<string, SimElbRule>()
  readonly targetGroups = new Map<string, SimTargetGroup>()
  /** Target group ARN → virtual time until which DeleteTargetGroup still answers ResourceInUse. */
  private readonly releasedUntil = new Map<string, number>()
  private seq = 0

  constructor(
    ecs: EcsSim,
    private readonly options: { latencyMs?: number; releaseMs?: number } = {}
  ) {
    super(
      ecs,
      {
        name: 'Elastic Load Balancing',
        iamPrefix: 'elasticloadbalancing',
        exception: ElasticLoadBalancingV2ServiceException
      },
      ELBV2_MUTATING_OPERATIONS,
      options.latencyMs
    )
    // ECS keeps a service DRAINING for its target groups' deregistration delay.
    ecs.targetGroupDelayMs = arn => {
      const tg = this.targetGroups.get(arn)
      return tg ? tg.deregistrationDelaySeconds * 1000 : undefined
    }
  }

  // ---------------------------------------------------------------- building a scenario

  createLoadBalancer(name: string): SimLoadBalancer {
    const lb = {
      arn: `arn:aws:elasticloadbalancing:${this.region}:${ACCOUNT}:loadbalancer/app/${name}/${this.hex()}`,
      name,
      createdAt: this.now
    }
    this.loadBalancers.set(lb.arn, lb)
    return lb
  }

  /** A listener; its default rule answers 404 unless `defaultActions` say otherwise. */
  createListener(loadBalancerArn: string, port = 443, defaultActions?: SimElbAction[]): SimListener {
    const lb = this.loadBalancers.get(loadBalancerArn)
    if (!lb) throw new Error(`no load balancer ${loadBalancerArn} in the simulator`)
    const listener: SimListener = {
      arn: `${lb.arn.replace(':loadbalancer/', ':listener/')}/${this.hex()}`,
      loadBalancerArn,
      port,
      defaultActions: defaultActions ?? [
        { Type: 'fixed-response', FixedResponseConfig: { StatusCode: '404' } }
      ]
    }
    this.listeners.set(listener.arn, listener)
    const defaultRule: SimElbRule = {
      arn: this.ruleArn(listener),
      listenerArn: listener.arn,
      hosts: [],
      actions: listener.defaultActions
    }
    this.rules.set(defaultRule.arn, defaultRule)
    return listener
  }

  createTargetGroup(name: string, port = 80, deregistrationDelaySeconds = 300): SimTargetGroup {
    const tg = {
      arn: `arn:aws:elasticloadbalancing:${this.region}:${ACCOUNT}:targetgroup/${name}/${this.hex()}`,
      name,
      port,
      extraTargets: [],
      deregistrationDelaySeconds
    }
    this.targetGroups.set(tg.arn, tg)
    return tg
  }

  /** A rule forwarding requests for `host` to one group, or to several by weight. */
  createRule(
    listenerArn: string,
    priority: number,
    host: string,
    forward: string | [string, number][]
  ): SimElbRule {
    const listener = this.listeners.get(listenerArn)
    if (!listener) throw new Error(`no listener ${listenerArn} in the simulator`)
    const action: SimElbAction =
      typeof forward === 'string'
        ? { Type: 'forward', TargetGroupArn: forward }
        : {
            Type: 'forward',
            ForwardConfig: {
              TargetGroups: forward.map(([TargetGroupArn, Weight]) => ({ TargetGroupArn, Weight }))
            }
          }
    const rule: SimElbRule = {
      arn: this.ruleArn(listener),
      listenerArn,
      priority,
      hosts: [host],
      actions: [action]
    }
    this.rules.set(rule.arn, rule)
    return rule
  }

  // ---------------------------------------------------------------- what a test reads

  /** The registered targets of a group: ids of RUNNING ECS tasks of services naming it, and extras. */
  targetsOf(targetGroupArn: string): string[] {
    const tasks = [...this.ecs.services.values()]
      .filter(s => s.loadBalancers.some(lb => lb.targetGroupArn === targetGroupArn))
      .flatMap(s => this.ecs.tasksOf(s))
      .filter(t => this.ecs.taskStatus(t) === 'RUNNING')
      .map(t => t.id)
    return [...tasks, ...(this.targetGroups.get(targetGroupArn)?.extraTargets ?? [])]
  }

  /**
   * Where a request for `host` on a listener goes: the target groups (weight above 0) of the first
   * rule that matches, else of the default rule, that have registered targets.
   */
  route(listenerArn: string, host: string): string[] {
    const rules = this.rulesOf(listenerArn)
    const rule = rules.find(r => r.hosts.includes(host)) ?? rules.find(r => r.priority === undefined)
    return forwardTargets(rule?.actions ?? [])
      .filter(t => (t.Weight ?? 1) > 0 && this.targetsOf(t.TargetGroupArn).length > 0)
      .map(t => t.TargetGroupArn)
  }

  rulesOf(listenerArn: string): SimElbRule[] {
    return [...this.rules.values()]
      .filter(r => r.listenerArn === listenerArn)
      .sort((a, b) => (a.priority ?? 100_000) - (b.priority ?? 100_000))
  }

  // ---------------------------------------------------------------- the API

  protected override deniedName(): string {
    return 'AccessDenied'
  }

  protected opDescribeTargetGroups(input: Record<string, unknown>): unknown {
    const arns = input.TargetGroupArns as string[] | undefined
    const names = input.Names as string[] | undefined
    const lbArn = input.LoadBalancerArn as string | undefined
    if ([arns, names, lbArn].filter(x => x !== undefined).length > 1)
      throw this.validationError('Only one of LoadBalancerArn, TargetGroupArns or Names can be specified')
    let groups = [...this.targetGroups.values()]
    if (arns && arns.length > 20)
      // Not in the model; AWS's answer (ansible-collections/amazon.aws#1593).
      throw this.validationError("You cannot describe more than '20' target groups at a time")
    if (arns) {
      const missing = arns.filter(a => !this.targetGroups.has(a))
      if (missing.length > 0)
        throw this.error('TargetGroupNotFoundException', `Target groups '${missing.join(', ')}' not found`)
      groups = groups.filter(g => arns.includes(g.arn))
    } else if (names) {
      const missing = names.filter(n => !groups.some(g => g.name === n))
      if (missing.length > 0)
        throw this.error('TargetGroupNotFoundException', `Target groups '${missing.join(', ')}' not found`)
      groups = groups.filter(g => names.includes(g.name))
    } else if (lbArn !== undefined) {
      this.requireLoadBalancer(lbArn)
      groups = groups.filter(g => this.loadBalancersOf(g.arn).includes(lbArn))
    }
    groups.sort((a, b) => a.arn.localeCompare(b.arn))
    const page = this.markerPage(groups, g => g.arn, input, 'target-groups')
    return {
      TargetGroups: page.items.map(g => ({
        TargetGroupArn: g.arn,
        TargetGroupName: g.name,
        Protocol: 'HTTP',
        Port: g.port,
        VpcId: 'vpc-0123456789abcdef0',
        TargetType: 'ip',
        LoadBalancerArns: this.loadBalancersOf(g.arn)
      })),
      NextMarker: page.nextToken
    }
  }

  protected opDescribeListeners(input: Record<string, unknown>): unknown {
    const arns = input.ListenerArns as string[] | undefined
    const lbArn = input.LoadBalancerArn as string | undefined
    if ((arns === undefined) === (lbArn === undefined))
      throw this.validationError('You must specify either listener ARNs or a load balancer ARN')
    let listeners: SimListener[]
    if (arns) {
      const missing = arns.filter(a => !this.listeners.has(a))
      if (missing.length > 0)
        throw this.error(
          'ListenerNotFoundException',
          `One or more listeners not found: ${missing.join(', ')}`
        )
      listeners = arns.map(a => this.listeners.get(a)!)
    } else {
      this.requireLoadBalancer(lbArn!)
      listeners = [...this.listeners.values()].filter(l => l.loadBalancerArn === lbArn)
    }
    listeners.sort((a, b) => a.arn.localeCompare(b.arn))
    const page = this.markerPage(listeners, l => l.arn, input, 'listeners')
    return {
      Listeners: page.items.map(l => ({
        ListenerArn: l.arn,
        LoadBalancerArn: l.loadBalancerArn,
        Port: l.port,
        Protocol: 'HTTPS',
        DefaultActions: l.defaultActions
      })),
      NextMarker: page.nextToken
    }
  }

  protected opDescribeRules(input: Record<string, unknown>): unknown {
    const arns = input.RuleArns as string[] | undefined
    const listenerArn = input.ListenerArn as string | undefined
    if ((arns === undefined) === (listenerArn === undefined))
      throw this.validationError('You must specify either listener ARN or rule ARNs')
    let rules: SimElbRule[]
    if (arns) {
      const missing = arns.filter(a => !this.rules.has(a))
      if (missing.length > 0)
        throw this.error('RuleNotFoundException', `One or more rules not found: ${missing.join(', ')}`)
      rules = arns.map(a => this.rules.get(a)!)
    } else {
      if (!this.listeners.has(listenerArn!))
        throw this.error('ListenerNotFoundException', `Listener '${listenerArn}' not found`)
      rules = this.rulesOf(listenerArn!)
    }
    const key = (r: SimElbRule) => `${String(r.priority ?? 99_999).padStart(5, '0')}|${r.arn}`
    rules.sort((a, b) => key(a).localeCompare(key(b)))
    const page = this.markerPage(rules, key, input, `rules:${listenerArn ?? ''}`)
    return {
      Rules: page.items.map(r => ({
        RuleArn: r.arn,
        Priority: r.priority === undefined ? 'default' : String(r.priority),
        Conditions: r.hosts.length
          ? [{ Field: 'host-header', Values: r.hosts, HostHeaderConfig: { Values: r.hosts } }]
          : [],
        Actions: r.actions,
        IsDefault: r.priority === undefined
      })),
      NextMarker: page.nextToken
    }
  }

  protected opDescribeTargetGroupAttributes(input: Record<string, unknown>): unknown {
    const arn = String(input.TargetGroupArn ?? '')
    const tg = this.targetGroups.get(arn)
    if (!tg) throw this.error('TargetGroupNotFoundException', `Target groups '${arn}' not found`)
    return {
      Attributes: [
        { Key: 'deregistration_delay.timeout_seconds', Value: String(tg.deregistrationDelaySeconds) },
        { Key: 'stickiness.enabled', Value: 'false' },
        { Key: 'load_balancing.algorithm.type', Value: 'round_robin' }
      ]
    }
  }

  protected opDescribeTargetHealth(input: Record<string, unknown>): unknown {
    const arn = String(input.TargetGroupArn ?? '')
    const tg = this.targetGroups.get(arn)
    if (!tg) throw this.error('TargetGroupNotFoundException', `Target groups '${arn}' not found`)
    return {
      TargetHealthDescriptions: this.targetsOf(arn).map(id => ({
        Target: { Id: id, Port: tg.port },
        TargetHealth: { State: 'healthy' }
      }))
    }
  }

  protected opDeleteRule(input: Record<string, unknown>): unknown {
    const arn = String(input.RuleArn ?? '')
    const rule = this.rules.get(arn)
    if (!rule) throw this.error('RuleNotFoundException', `One or more rules not found: ${arn}`)
    if (rule.priority === undefined)
      throw this.error('OperationNotPermittedException', `Default rule '${arn}' cannot be deleted`)
    this.rules.delete(arn)
    const releaseMs = this.options.releaseMs ?? 5_000
    for (const t of forwardTargets(rule.actions))
      this.releasedUntil.set(t.TargetGroupArn, this.now + releaseMs)
    return {}
  }

  protected opDeleteTargetGroup(input: Record<string, unknown>): unknown {
    const arn = String(input.TargetGroupArn ?? '')
    if (!arn) throw this.validationError('A target group ARN must be specified')
    if (!this.targetGroups.has(arn)) return {}
    const inUse = [...this.rules.values()].some(r =>
      forwardTargets(r.actions).some(t => t.TargetGroupArn === arn)
    )
    if (inUse || this.now < (this.releasedUntil.get(arn) ?? 0))
      throw this.error(
        'ResourceInUseException',
        `Target group '${arn}' is currently in use by a listener or a rule`
      )
    this.targetGroups.delete(arn)
    return {}
  }

  // ---------------------------------------------------------------- rules of the model

  private loadBalancersOf(targetGroupArn: string): string[] {
    const lbs = new Set<string>()
    for (const r of this.rules.values()) {
      if (forwardTargets(r.actions).some(t => t.TargetGroupArn === targetGroupArn))
        lbs.add(this.listeners.get(r.listenerArn)!.loadBalancerArn)
    }
    return [...lbs].sort()
  }

  private requireLoadBalancer(arn: string): void {
    if (!this.loadBalancers.has(arn))
      throw this.error('LoadBalancerNotFoundException', `Load balancers '${arn}' not found`)
  }

  private markerPage<T>(items: T[], key: (item: T) => string, input: Record<string, unknown>, kind: string) {
    const size = input.PageSize === undefined ? 400 : Number(input.PageSize)
    if (!Number.isInteger(size) || size < 1 || size > 400)
      throw this.validationError(
        "1 validation error detected: Value at 'pageSize' failed to satisfy constraint: Member must have value between 1 and 400"
      )
    return this.page(items, key, input.Marker, size, kind, () => this.validationError('Invalid marker'))
  }

  private ruleArn(listener: SimListener): string {
    return `${listener.arn.replace(':listener/', ':listener-rule/')}/${this.hex()}`
  }

  private hex(): string {
    return (this.seq++).toString(16).padStart(16, '0')
  }

  private validationError(message: string): Error {
    return this.error('ValidationError', message)
  }
}
