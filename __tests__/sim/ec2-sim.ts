import { EC2ServiceException } from '@aws-sdk/client-ec2'
import type { CfnSim, SimStackResource } from './cfn-sim.js'
import type { EcsSim, SimTask } from './ecs-sim.js'
import { ServiceSim } from './service-sim.js'

/**
 * A strict model of EC2 DescribeInstances and TerminateInstances, on the EcsSim's virtual time.
 * Every EC2 container instance of the EcsSim is an EC2 instance here (running, untagged) unless a
 * scenario launched it with tags first. Auto Scaling groups are modelled as far as a teardown can
 * meet them: a group replaces an instance of it that is terminated, and deleting the group (with
 * its CloudFormation stack, through `watchStacks`) terminates its instances.
 * - DescribeInstances: InstanceIds with an id EC2 does not know fails the whole call with
 *   InvalidInstanceID.NotFound; the `instance-id` filter simply leaves it out. MaxResults (5–1000)
 *   pages with NextToken and cannot be combined with InstanceIds; at most 200 values per filter.
 *   A terminated instance stays visible for an hour.
 * - TerminateInstances: 1–1000 ids; an unknown id fails the whole call (nothing is terminated);
 *   termination protection refuses with OperationNotPermitted. shutting-down for 30 s, then
 *   terminated.
 * - Auto Scaling instances may be protected from scale-in (a group's NewInstancesProtectedFromScaleIn
 *   protects the ones it launches); the Auto Scaling API is Ec2AutoScalingSim's
 *   (ec2-autoscaling-sim.ts). A stack's group with protected instances left never finishes its
 *   deletion: CloudFormation scales it to 0 and waits (aws/aws-cdk#14732, #18179; the group's
 *   activity reads "Could not scale to desired capacity because all remaining instances are
 *   protected from scale-in", aws-samples/aws-fault-injection-simulator-workshop#114).
 * - awsvpc tasks (`useAwsvpc`) each get a network interface, which EC2 releases some time
 *   (ENI_RELEASE_MS, an assumption: AWS says only "some time") after the task is STOPPED; until then
 *   the security group, subnet and VPC it is in cannot be deleted: a stack's deletion of them ends
 *   DELETE_FAILED with DependencyViolation (hashicorp/terraform-provider-aws#3414,
 *   aws/copilot-cli#5481). DescribeNetworkInterfaces: NetworkInterfaceIds with an unknown id fails
 *   with InvalidNetworkInterfaceID.NotFound, the `network-interface-id` filter leaves it out;
 *   MaxResults 5–1000, not with NetworkInterfaceIds (the model's documentation).
 * Errors as the SDK hands EC2's over: EC2ServiceException with the error code as name. One test
 * per rule in __tests__/sim/ec2-sim.test.ts.
 */

export interface SimInstance {
  id: string
  tags: Record<string, string>
  state: 'running' | 'stopped'
  terminatedAt?: number
  /** DisableApiTermination. */
  protected?: boolean
  /** Auto Scaling's instance scale-in protection (ProtectedFromScaleIn). */
  protectedFromScaleIn?: boolean
  launchedAt: number
}

const SHUTTING_DOWN_MS = 30_000
const TERMINATED_VISIBLE_MS = 60 * 60_000
/** How long after its task is STOPPED an awsvpc network interface is released (assumed). */
export const ENI_RELEASE_MS = 90_000

/** An elastic network interface of an awsvpc task. */
export interface SimNetworkInterface {
  id: string
  subnetId: string
  vpcId: string
  groups: string[]
  /** The ECS task it was made for: it is released ENI_RELEASE_MS after the task stops. */
  task: SimTask
}

export interface SimAutoScalingGroup {
  tags: Record<string, string>
  deleted?: boolean
  /** NewInstancesProtectedFromScaleIn (CDK's AsgCapacityProvider sets it with managed termination protection). */
  protectNew?: boolean
  createdAt: number
}

export const EC2_MUTATING_OPERATIONS = new Set(['TerminateInstances', 'RunInstances'])

export class Ec2Sim extends ServiceSim {
  readonly instances = new Map<string, SimInstance>()
  /** Auto Scaling groups: name → replaces terminated instances while it exists. */
  readonly autoScalingGroups = new Map<string, SimAutoScalingGroup>()
  readonly networkInterfaces = new Map<string, SimNetworkInterface>()
  private seq = 0

  constructor(ecs: EcsSim, options: { latencyMs?: number } = {}) {
    super(
      ecs,
      { name: 'EC2', iamPrefix: 'ec2', exception: EC2ServiceException },
      EC2_MUTATING_OPERATIONS,
      options.latencyMs
    )
  }

  // ---------------------------------------------------------------- building a scenario

  launch(
    opts: {
      tags?: Record<string, string>
      state?: SimInstance['state']
      protected?: boolean
      protectedFromScaleIn?: boolean
    } = {}
  ): SimInstance {
    const id = `i-0${(0x1000000000000000n + BigInt(this.seq++)).toString(16).slice(0, 16)}`
    const instance: SimInstance = {
      id,
      tags: { ...opts.tags },
      state: opts.state ?? 'running',
      launchedAt: this.now,
      ...(opts.protected ? { protected: true } : {}),
      ...(opts.protectedFromScaleIn ? { protectedFromScaleIn: true } : {})
    }
    this.instances.set(id, instance)
    return instance
  }

  /**
   * An Auto Scaling group and `count` instances of it, tagged as EC2 Auto Scaling tags them
   * (aws:autoscaling:groupName; a group made by a stack also propagates the stack's tags).
   */
  createAutoScalingGroup(
    name: string,
    count: number,
    opts: { stack?: string; protectedFromScaleIn?: boolean } = {}
  ): SimInstance[] {
    const tags: Record<string, string> = {
      'aws:autoscaling:groupName': name,
      ...(opts.stack
        ? { 'aws:cloudformation:stack-name': opts.stack, 'aws:cloudformation:logical-id': 'EcsInstanceAsg' }
        : {})
    }
    const protectNew = opts.protectedFromScaleIn === true
    this.autoScalingGroups.set(name, { tags, createdAt: this.now, ...(protectNew ? { protectNew } : {}) })
    return Array.from({ length: count }, () => this.launch({ tags, protectedFromScaleIn: protectNew }))
  }

  /** Deleting a stack's AWS::AutoScaling::AutoScalingGroup deletes the group, which terminates its instances. */
  watchStacks(cfn: CfnSim): void {
    cfn.deletionChecks.push(r => this.holdsUp(r))
    cfn.onResourceDeleted.push((r: SimStackResource, at: number) => {
      if (r.type !== 'AWS::AutoScaling::AutoScalingGroup') return
      const group = this.autoScalingGroups.get(r.physicalId)
      if (group) group.deleted = true
      for (const i of this.instances.values()) {
        if (i.tags['aws:autoscaling:groupName'] === r.physicalId && i.terminatedAt === undefined)
          i.terminatedAt = at
      }
    })
  }

  /**
   * What EC2 and Auto Scaling make of CloudFormation deleting `r`: a group that still has protected
   * instances cannot scale to 0; a security group, subnet or VPC with a network interface in it is a
   * DependencyViolation (EC2's messages).
   */
  private holdsUp(r: SimStackResource): { wait: string } | { fail: string } | undefined {
    if (r.type === 'AWS::AutoScaling::AutoScalingGroup') {
      const held = this.groupInstances(r.physicalId).filter(i => i.protectedFromScaleIn)
      return held.length > 0
        ? {
            wait: `Could not scale to desired capacity because all remaining instances are protected from scale-in (${held.map(i => i.id).join(', ')})`
          }
        : undefined
    }
    const enis = this.liveInterfaces()
    const message =
      r.type === 'AWS::EC2::SecurityGroup' && enis.some(n => n.groups.includes(r.physicalId))
        ? `resource ${r.physicalId} has a dependent object`
        : r.type === 'AWS::EC2::Subnet' && enis.some(n => n.subnetId === r.physicalId)
          ? `The subnet '${r.physicalId}' has dependencies and cannot be deleted.`
          : r.type === 'AWS::EC2::VPC' && enis.some(n => n.vpcId === r.physicalId)
            ? `The vpc '${r.physicalId}' has dependencies and cannot be deleted.`
            : undefined
    return message
      ? {
          fail: `Resource handler returned message: "${message} (Service: Ec2, Status Code: 400, Error Code: DependencyViolation)" (HandlerErrorCode: InvalidRequest)`
        }
      : undefined
  }

  /** The group's instances not yet terminated. */
  groupInstances(group: string): SimInstance[] {
    return [...this.instances.values()].filter(
      i => i.tags['aws:autoscaling:groupName'] === group && i.terminatedAt === undefined
    )
  }

  /**
   * Every task that starts in `cluster` from now on runs in awsvpc mode: it gets a network interface
   * in this subnet, VPC and security group.
   */
  useAwsvpc(cluster: string, network: { subnetId: string; vpcId: string; securityGroupId: string }): void {
    this.ecs.onTaskStarted.push(task => {
      if (!task.clusterArn.endsWith(`:cluster/${cluster}`)) return
      const id = `eni-0${(0x1000000000000000n + BigInt(this.seq++)).toString(16).slice(0, 16)}`
      this.networkInterfaces.set(id, {
        id,
        subnetId: network.subnetId,
        vpcId: network.vpcId,
        groups: [network.securityGroupId],
        task
      })
      task.networkInterfaceId = id
    })
  }

  /** Network interfaces not yet released: their task is up, or stopped less than ENI_RELEASE_MS ago. */
  liveInterfaces(): SimNetworkInterface[] {
    return [...this.networkInterfaces.values()].filter(n => {
      const stopped = this.ecs.stopsAt(n.task)
      return stopped === undefined || this.now < stopped + ENI_RELEASE_MS
    })
  }

  stateOf(i: SimInstance): 'running' | 'stopped' | 'shutting-down' | 'terminated' {
    if (i.terminatedAt === undefined) return i.state
    return this.now - i.terminatedAt < SHUTTING_DOWN_MS ? 'shutting-down' : 'terminated'
  }

  /** Instances not yet terminated (running, stopped or shutting-down count: shutting-down does not bill). */
  billing(): string[] {
    this.settle()
    return [...this.instances.values()].filter(i => i.terminatedAt === undefined).map(i => i.id)
  }

  /** The EcsSim's EC2 container instances exist here too. */
  protected override settle(): void {
    for (const ci of this.ecs.containerInstances.values()) {
      if (ci.external || this.instances.has(ci.ec2InstanceId)) continue
      this.instances.set(ci.ec2InstanceId, {
        id: ci.ec2InstanceId,
        tags: {},
        state: 'running',
        launchedAt: this.now
      })
    }
  }

  protected override deniedName(): string {
    return 'UnauthorizedOperation'
  }

  // ---------------------------------------------------------------- the API

  /**
   * What EC2's Describe calls check alike: MaxResults 5–1000 and not with the ids (`idsParameter`, as
   * EC2 names it), at most 200 values per filter. The page size is unbounded without MaxResults.
   */
  private describeRequest(
    input: Record<string, unknown>,
    ids: string[] | undefined,
    idsParameter: string
  ): { filters: { Name?: string; Values?: string[] }[]; size: number } {
    const filters = (input.Filters as { Name?: string; Values?: string[] }[] | undefined) ?? []
    if (ids && ids.length > 0 && input.MaxResults !== undefined)
      throw this.error(
        'InvalidParameterCombination',
        `The parameter ${idsParameter} cannot be used with the parameter maxResults`
      )
    let size = Number.POSITIVE_INFINITY
    if (input.MaxResults !== undefined) {
      size = Number(input.MaxResults)
      if (!Number.isInteger(size) || size < 5 || size > 1000)
        throw this.error(
          'InvalidParameterValue',
          `Value ( ${String(input.MaxResults)} ) for parameter maxResults is invalid. Expecting a value between 5 and 1000.`
        )
    }
    for (const f of filters)
      if ((f.Values ?? []).length > 200)
        throw this.error(
          'InvalidParameterValue',
          'The maximum number of filter values specified on a single call is 200'
        )
    return { filters, size }
  }

  /** One page of a Describe call's matches (all of them without MaxResults). */
  private describePage<T extends { id: string }>(
    matches: T[],
    input: Record<string, unknown>,
    size: number,
    kind: string
  ): { items: T[]; nextToken?: string } {
    return Number.isFinite(size)
      ? this.page(
          matches,
          x => x.id,
          input.NextToken,
          size,
          kind,
          () => this.error('InvalidParameterValue', 'The nextToken is invalid')
        )
      : { items: matches }
  }

  protected opDescribeInstances(input: Record<string, unknown>): unknown {
    const ids = input.InstanceIds as string[] | undefined
    const { filters, size } = this.describeRequest(input, ids, 'instancesSet')
    for (const f of filters) {
      if (f.Name !== 'instance-id' && !f.Name?.startsWith('tag:'))
        throw this.error('InvalidParameterValue', `The filter '${f.Name}' is invalid`)
    }
    const visible = [...this.instances.values()].filter(
      i => i.terminatedAt === undefined || this.now - i.terminatedAt < TERMINATED_VISIBLE_MS
    )
    if (ids && ids.length > 0) {
      const missing = ids.filter(id => !visible.some(i => i.id === id))
      if (missing.length > 0) {
        throw this.error(
          'InvalidInstanceID.NotFound',
          missing.length === 1
            ? `The instance ID '${missing[0]}' does not exist`
            : `The instance IDs '${missing.join(', ')}' do not exist`
        )
      }
    }
    const matches = visible
      .filter(i => !ids || ids.length === 0 || ids.includes(i.id))
      .filter(i =>
        filters.every(f =>
          f.Name === 'instance-id'
            ? (f.Values ?? []).includes(i.id)
            : (f.Values ?? []).includes(i.tags[f.Name!.slice('tag:'.length)] ?? '\u0000')
        )
      )
      .sort((a, b) => a.id.localeCompare(b.id))
    const page = this.describePage(matches, input, size, 'instances')
    return {
      Reservations: page.items.map(i => ({
        ReservationId: `r-${i.id.slice(2)}`,
        Instances: [
          {
            InstanceId: i.id,
            State: { Name: this.stateOf(i) },
            Tags: Object.entries(i.tags).map(([Key, Value]) => ({ Key, Value })),
            LaunchTime: new Date(i.launchedAt)
          }
        ]
      })),
      ...(page.nextToken ? { NextToken: page.nextToken } : {})
    }
  }

  protected opTerminateInstances(input: Record<string, unknown>): unknown {
    const ids = (input.InstanceIds as string[] | undefined) ?? []
    if (ids.length < 1 || ids.length > 1000)
      throw this.error('InvalidParameterValue', 'InstanceIds must hold between 1 and 1000 instance IDs')
    const missing = ids.filter(id => !this.instances.has(id))
    if (missing.length > 0)
      throw this.error('InvalidInstanceID.NotFound', `The instance ID '${missing.join(', ')}' does not exist`)
    const protectedOne = ids
      .map(id => this.instances.get(id)!)
      .find(i => i.protected && i.terminatedAt === undefined)
    if (protectedOne) {
      throw this.error(
        'OperationNotPermitted',
        `The instance '${protectedOne.id}' may not be terminated. Modify its 'disableApiTermination' instance attribute and try again.`
      )
    }
    const out = ids.map(id => {
      const i = this.instances.get(id)!
      const previous = this.stateOf(i)
      i.terminatedAt ??= this.now
      this.replaceIfGrouped(i)
      return { InstanceId: id, PreviousState: { Name: previous }, CurrentState: { Name: this.stateOf(i) } }
    })
    return { TerminatingInstances: out }
  }

  /** An Auto Scaling group keeps its capacity: a terminated instance of it is replaced. */
  private replaceIfGrouped(i: SimInstance): void {
    const group = this.autoScalingGroups.get(i.tags['aws:autoscaling:groupName'] ?? '')
    if (group && !group.deleted)
      this.launch({ tags: group.tags, protectedFromScaleIn: group.protectNew === true })
  }

  protected opDescribeNetworkInterfaces(input: Record<string, unknown>): unknown {
    const ids = input.NetworkInterfaceIds as string[] | undefined
    const { filters, size } = this.describeRequest(input, ids, 'NetworkInterfaceIds')
    const fields: Record<string, (n: SimNetworkInterface) => string[]> = {
      'network-interface-id': n => [n.id],
      'group-id': n => n.groups,
      'subnet-id': n => [n.subnetId],
      'vpc-id': n => [n.vpcId]
    }
    for (const f of filters) {
      if (!fields[f.Name ?? ''])
        throw this.error('InvalidParameterValue', `The filter '${f.Name}' is invalid`)
    }
    const live = this.liveInterfaces()
    const missing = (ids ?? []).filter(id => !live.some(n => n.id === id))
    if (missing.length > 0)
      throw this.error(
        'InvalidNetworkInterfaceID.NotFound',
        `The networkInterface ID '${missing.join(', ')}' does not exist`
      )
    const matches = live
      .filter(n => !ids || ids.length === 0 || ids.includes(n.id))
      .filter(n => filters.every(f => fields[f.Name!]!(n).some(v => (f.Values ?? []).includes(v))))
      .sort((a, b) => a.id.localeCompare(b.id))
    const page = this.describePage(matches, input, size, 'network-interfaces')
    return {
      NetworkInterfaces: page.items.map(n => ({
        NetworkInterfaceId: n.id,
        SubnetId: n.subnetId,
        VpcId: n.vpcId,
        Groups: n.groups.map(GroupId => ({ GroupId })),
        InterfaceType: 'interface',
        RequesterManaged: true,
        Status: 'in-use',
        Description: `arn:aws:ecs:${this.region}:task-attachment`
      })),
      ...(page.nextToken ? { NextToken: page.nextToken } : {})
    }
  }
}
