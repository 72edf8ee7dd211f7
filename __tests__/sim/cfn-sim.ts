import {
  CloudFormationServiceException,
  StackStatus,
  TokenAlreadyExistsException
} from '@aws-sdk/client-cloudformation'
import type { SendPort } from '../../src/aws/call.js'
import { CancelledError } from '../../src/util/errors.js'
import { ACCOUNT, type EcsSim, type SimCluster } from './ecs-sim.js'

/**
 * A strict, in-memory model of the parts of AWS CloudFormation a teardown touches, on the same
 * virtual time as the EcsSim it is given, so a stack can own an ECS cluster:
 * - DescribeStacks by name sees live stacks only; by StackId it also sees DELETE_COMPLETE ones;
 *   otherwise ValidationError "Stack with id X does not exist".
 * - DeleteStack is asynchronous: DELETE_IN_PROGRESS for `deleteTakesMs`, then DELETE_COMPLETE or
 *   DELETE_FAILED. A repeated ClientRequestToken starts nothing; termination protection and
 *   operations in progress are refused with CloudFormation's messages.
 * - Deleting an AWS::ECS::Cluster resource applies ECS's own DeleteCluster rules to the EcsSim
 *   cluster: while it holds services, tasks, container instances or capacity providers the
 *   resource ends DELETE_FAILED with ECS's ClusterContains* message, and the stack DELETE_FAILED;
 *   otherwise the cluster really is deleted in the EcsSim.
 * - Deleting an AWS::ECS::Service resource deletes the service in the EcsSim (scaled to 0, its tasks
 *   drain); one already deleted counts as deleted, as CloudFormation's handlers treat "not found".
 * - ListStacks, ListStackResources and DescribeStackEvents are paged with NextToken.
 * - Exports (Outputs with an Export name) are listed by ListExports and shown in DescribeStacks'
 *   Outputs; ListImports names the live stacks that import one, and answers ValidationError
 *   "Export 'X' is not imported by any stack." when none does. Deleting a stack whose export a live
 *   stack imports is accepted (DELETE_IN_PROGRESS, "User Initiated"), touches no resource, and the
 *   stack goes back to the status it had, its reason "Export X cannot be deleted as it is in use by
 *   Y" (several importers joined by " and "): CloudFormation does not report DELETE_FAILED for it
 *   (aws/aws-sdk#383, boto/botocore#2590, aws/aws-sdk-java#1712, aws/aws-cdk#604,
 *   serverless/serverless#2984; the Fn::ImportValue reference: "After another stack imports an
 *   output value, you can't delete the stack that is exporting the output value").
 * - DescribeStackResources by PhysicalResourceId answers the resource with that physical id (only
 *   that one, aws-cloudformation/cloudformation-coverage-roadmap#998) with its StackName and
 *   StackId; both StackName and PhysicalResourceId is a ValidationError (the API reference).
 * - Other models hold up a resource's deletion through `deletionChecks`: an Auto Scaling group with
 *   instances protected from scale-in keeps the stack DELETE_IN_PROGRESS (aws/aws-cdk#14732, #18179);
 *   a security group, subnet or VPC an EC2 network interface still uses ends DELETE_FAILED with
 *   EC2's DependencyViolation (hashicorp/terraform-provider-aws#3414).
 * Errors are shaped as @aws-sdk/client-cloudformation 3.1169 surfaces them (observed against
 * moto): a CloudFormationServiceException named 'ValidationError' with AWS's message. One test per
 * rule in __tests__/sim/cfn-sim.test.ts.
 *
 * Statuses are settled lazily, at the first call after a deletion's end (like the EcsSim's
 * scheduler), so the cluster's contents are judged at that call; `settle()` forces it.
 */

export interface CfnSimOptions {
  /** ListStacks and DescribeStacks page size (AWS: 100). */
  listPageSize?: number
  /** ListStackResources page size (AWS: 100). */
  resourcesPageSize?: number
  /** DescribeStackEvents page size: AWS does not document it; a small one makes paging bugs show. */
  eventsPageSize?: number
  /** How long a deletion stays DELETE_IN_PROGRESS, unless the stack says otherwise. */
  deleteTakesMs?: number
  /** Virtual milliseconds each call takes. */
  latencyMs?: number
  exportCheckMs?: number
  exportsPageSize?: number
}

export interface SimStackResource {
  logicalId: string
  type: string
  physicalId: string
  status: string
  reason?: string
  /** For an AWS::ECS::Cluster: the EcsSim cluster it is. */
  clusterArn?: string
  /** Deleting it fails with this reason (a scenario's `failDeleteOf`). */
  failsWith?: string
}

/** An Output with an Export: its name is unique in the account and Region. */
export interface SimExport {
  name: string
  value: string
  outputKey: string
}

export interface SimStackEvent {
  eventId: string
  seq: number
  at: number
  logicalId: string
  physicalId: string
  type: string
  status: string
  reason?: string
  token?: string
}

interface Deletion {
  token?: string
  startedAt: number
  endsAt: number
  /** Logical ids kept (RetainResources, or the failed ones with FORCE_DELETE_STACK). */
  retain: Set<string>
  settled: boolean
  /** The deletion gives up at its end, the stack back to `previousStatus` with this reason. */
  exportInUse?: { reason: string; previousStatus: string }
  /** Held past `endsAt` by another model (`deletionChecks`): it ends when released. */
  waited?: boolean
}

export interface SimStack {
  name: string
  id: string
  seq: number
  createdAt: number
  status: string
  reason?: string
  deletedAt?: number
  terminationProtection: boolean
  deleteTakesMs: number
  resources: SimStackResource[]
  events: SimStackEvent[]
  deletion?: Deletion
  /** ClientRequestTokens of the operations started on this stack. */
  tokens: Set<string>
  exports: SimExport[]
  /** Export names this stack imports (Fn::ImportValue). */
  imports: string[]
}

export interface CreateStackOptions {
  /** The EcsSim cluster (by name) this stack created: an AWS::ECS::Cluster resource `ECSCluster`. */
  ownsCluster?: string
  /** Tag the owned cluster with aws:cloudformation:stack-name / stack-id, as CloudFormation does. Default true. */
  tagCluster?: boolean
  terminationProtection?: boolean
  /** The stack's status, e.g. UPDATE_IN_PROGRESS (it stays there). Default CREATE_COMPLETE. */
  status?: string
  deleteTakesMs?: number
  /** Deleting this logical id fails (with `failReason`). */
  failDeleteOf?: string
  failReason?: string
  /**
   * ECS services of one cluster this stack created: AWS::ECS::Service resources (physical id: the
   * service ARN, as Ref gives it), tagged with aws:cloudformation:stack-name / stack-id. Deleting the
   * stack deletes them in the EcsSim, as CloudFormation's handler does.
   */
  ownsServices?: { cluster: string; services: string[] }
  /** More resources, e.g. { logicalId: 'Vpc', type: 'AWS::EC2::VPC' }: records, deleted with the stack. */
  resources?: { logicalId: string; type: string; physicalId?: string }[]
  /**
   * Outputs exported under these names; `value` defaults to the physical id of the resource
   * `of` (a logical id), as `!Ref` would give it. Export names must be unique (as on AWS).
   */
  exports?: { name: string; of?: string; value?: string }[]
  /** Export names this stack imports; each must exist (CloudFormation: "No export named X found"). */
  imports?: string[]
}

/** Calls that change something; a dry run must make none of them. */
export const CFN_MUTATING_OPERATIONS = new Set(['DeleteStack', 'CreateStack', 'UpdateTerminationProtection'])

/** Statuses from which CloudFormation does not start a deletion (see src/stack/find.ts for the evidence). */
const CANNOT_DELETE_WHILE = new Set([
  'CREATE_IN_PROGRESS',
  'ROLLBACK_IN_PROGRESS',
  'UPDATE_IN_PROGRESS',
  'UPDATE_COMPLETE_CLEANUP_IN_PROGRESS',
  'UPDATE_ROLLBACK_IN_PROGRESS',
  'UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS',
  'IMPORT_IN_PROGRESS',
  'IMPORT_ROLLBACK_IN_PROGRESS'
])

const KNOWN_STATUSES = new Set<string>(Object.values(StackStatus))
const TOKEN = /^[a-zA-Z0-9][-a-zA-Z0-9]*$/

const DEFAULTS = {
  listPageSize: 100,
  resourcesPageSize: 100,
  eventsPageSize: 20,
  deleteTakesMs: 60_000,
  latencyMs: 0,
  /** How soon a deletion blocked by an export in use gives up (about a second in the logs quoted above). */
  exportCheckMs: 1_000,
  /** ListExports and ListImports page size (ListExports: 100 per the API reference). */
  exportsPageSize: 100
}

/** A CloudFormation ValidationError exactly as the SDK hands it over (observed against moto). */
export function cfnValidationError(message: string): Error {
  const error = new CloudFormationServiceException({
    name: 'ValidationError',
    $fault: 'client',
    message,
    $metadata: { httpStatusCode: 400 }
  })
  return Object.assign(error, {
    Type: 'Sender',
    Code: 'ValidationError',
    Error: { Type: 'Sender', Code: 'ValidationError', Message: message }
  })
}

function cfnError(name: string, message: string, status = 400): Error {
  const error = new CloudFormationServiceException({
    name,
    $fault: 'client',
    message,
    $metadata: { httpStatusCode: status }
  })
  return Object.assign(error, { Type: 'Sender', Code: name })
}

export class CfnSim {
  readonly options: typeof DEFAULTS
  readonly stacks: SimStack[] = []
  /** Every call that reached the model, in order. */
  readonly calls: { operation: string; at: number; input: Record<string, unknown>; error?: string }[] = []
  /** Operations answered with AccessDenied. */
  readonly denied = new Set<string>()
  /** Runs before each call is answered: a scenario's hook for events during a run. */
  beforeCall?: (operation: string, input: Record<string, unknown>) => void
  /** Other models that react to a resource's deletion (EC2 instances of a deleted Auto Scaling group). */
  readonly onResourceDeleted: ((resource: SimStackResource, at: number) => void)[] = []
  /**
   * Other models that hold up a resource's deletion: `wait` keeps the stack DELETE_IN_PROGRESS (an
   * Auto Scaling group whose instances are protected from scale-in never reaches 0), `fail` ends the
   * resource DELETE_FAILED with that reason (a security group a network interface still uses).
   */
  readonly deletionChecks: ((
    resource: SimStackResource
  ) => { wait: string } | { fail: string } | undefined)[] = []
  /** Pass this to the code under test as its CloudFormation client. */
  readonly client: SendPort
  private seq = 0

  constructor(
    readonly ecs: EcsSim,
    options: CfnSimOptions = {}
  ) {
    this.options = { ...DEFAULTS, ...options }
    this.client = {
      send: (command: object, opts?: { abortSignal?: AbortSignal }) => this.send(command, opts)
    }
  }

  get now(): number {
    return this.ecs.time.clock()
  }

  private get region(): string {
    return this.ecs.options.region
  }

  // ---------------------------------------------------------------- building a scenario

  createStack(name: string, opts: CreateStackOptions = {}): SimStack {
    const id = `arn:aws:cloudformation:${this.region}:${ACCOUNT}:stack/${name}/${this.uuid()}`
    const stack: SimStack = {
      name,
      id,
      seq: this.seq++,
      createdAt: this.now,
      status: opts.status ?? 'CREATE_COMPLETE',
      terminationProtection: opts.terminationProtection ?? false,
      deleteTakesMs: opts.deleteTakesMs ?? this.options.deleteTakesMs,
      resources: [],
      events: [],
      tokens: new Set(),
      exports: [],
      imports: []
    }
    if (!KNOWN_STATUSES.has(stack.status)) throw new Error(`unknown stack status ${stack.status}`)
    if (opts.ownsCluster) {
      const cluster = this.ecsCluster(opts.ownsCluster)
      stack.resources.push({
        logicalId: 'ECSCluster',
        type: 'AWS::ECS::Cluster',
        physicalId: cluster.name,
        status: 'CREATE_COMPLETE',
        clusterArn: cluster.arn
      })
      if (opts.tagCluster ?? true) {
        cluster.tags['aws:cloudformation:stack-name'] = name
        cluster.tags['aws:cloudformation:stack-id'] = id
        cluster.tags['aws:cloudformation:logical-id'] = 'ECSCluster'
      }
    }
    for (const serviceName of opts.ownsServices?.services ?? []) {
      const cluster = this.ecsCluster(opts.ownsServices!.cluster)
      const service = [...this.ecs.services.values()].find(
        x => x.clusterArn === cluster.arn && x.name === serviceName && x.deletedAt === undefined
      )
      if (!service) throw new Error(`ownsServices: no service ${serviceName} in cluster ${cluster.name}`)
      stack.resources.push({
        logicalId: `Service${serviceName.replace(/[^A-Za-z0-9]/g, '')}`,
        type: 'AWS::ECS::Service',
        physicalId: service.arn,
        status: 'CREATE_COMPLETE'
      })
      service.tags['aws:cloudformation:stack-name'] = name
      service.tags['aws:cloudformation:stack-id'] = id
    }
    for (const r of opts.resources ?? []) {
      stack.resources.push({
        logicalId: r.logicalId,
        type: r.type,
        physicalId: r.physicalId ?? `${name}-${r.logicalId}-${this.uuid().slice(0, 12).toUpperCase()}`,
        status: 'CREATE_COMPLETE'
      })
    }
    for (const e of opts.exports ?? []) {
      const r = e.of === undefined ? undefined : stack.resources.find(x => x.logicalId === e.of)
      if (e.of !== undefined && !r) throw new Error(`exports: stack ${name} has no resource ${e.of}`)
      if (this.liveExport(e.name)) throw new Error(`Export with name ${e.name} is already exported`)
      stack.exports.push({
        name: e.name,
        value: e.value ?? r?.physicalId ?? e.name,
        outputKey: e.name.replace(/[^A-Za-z0-9]/g, '')
      })
    }
    for (const i of opts.imports ?? []) {
      if (!this.liveExport(i)) throw new Error(`No export named ${i} found`)
      stack.imports.push(i)
    }
    if (opts.failDeleteOf) {
      const r = stack.resources.find(x => x.logicalId === opts.failDeleteOf)
      if (!r) throw new Error(`failDeleteOf: stack ${name} has no resource ${opts.failDeleteOf}`)
      r.failsWith =
        opts.failReason ??
        `Resource handler returned message: "The ${r.type} ${r.physicalId} has dependencies and cannot be deleted." (HandlerErrorCode: GeneralServiceException)`
    }
    this.event(stack, stack, 'CREATE_IN_PROGRESS', 'User Initiated')
    for (const r of stack.resources) {
      this.event(stack, r, 'CREATE_IN_PROGRESS')
      this.event(stack, r, 'CREATE_COMPLETE')
    }
    this.event(stack, stack, 'CREATE_COMPLETE')
    if (stack.status !== 'CREATE_COMPLETE') this.event(stack, stack, stack.status)
    this.stacks.push(stack)
    return stack
  }

  // ---------------------------------------------------------------- what a test reads

  /** The newest stack with this name (live or not), or the one with this StackId. */
  stack(ref: string): SimStack | undefined {
    this.settle()
    return ref.startsWith('arn:')
      ? this.stacks.find(s => s.id === ref)
      : [...this.stacks].reverse().find(s => s.name === ref)
  }

  countCalls(operation?: string): number {
    return operation
      ? this.calls.filter(c => c.operation === operation && !c.error).length
      : this.calls.length
  }

  mutatingCalls(): string[] {
    return this.calls.filter(c => CFN_MUTATING_OPERATIONS.has(c.operation)).map(c => c.operation)
  }

  /** Ends every deletion whose time has come. Runs before every call; tests may call it too. */
  settle(): void {
    for (const s of this.stacks) {
      if (!s.deletion || s.deletion.settled || this.now < s.deletion.endsAt) continue
      // A resource another model holds up keeps the whole deletion going; it ends once released.
      if (this.waitingOn(s)) {
        s.deletion.waited = true
        continue
      }
      if (s.deletion.waited) s.deletion.endsAt = this.now
      this.finishDeletion(s)
    }
  }

  /** The first resource of a deletion that another model holds up (`deletionChecks`), with why. */
  waitingOn(s: SimStack): { resource: SimStackResource; reason: string } | undefined {
    for (const r of s.resources) {
      if (r.status !== 'DELETE_IN_PROGRESS') continue
      for (const check of this.deletionChecks) {
        const held = check(r)
        if (held && 'wait' in held) return { resource: r, reason: held.wait }
      }
    }
    return undefined
  }

  // ---------------------------------------------------------------- the API

  async send(command: object, opts?: { abortSignal?: AbortSignal }): Promise<unknown> {
    const operation = command.constructor.name.replace(/Command$/, '')
    const input = ((command as { input?: unknown }).input ?? {}) as Record<string, unknown>
    if (opts?.abortSignal?.aborted) throw new CancelledError()
    if (this.options.latencyMs > 0) await this.ecs.time.sleep(this.options.latencyMs, opts?.abortSignal)
    const record: (typeof this.calls)[number] = { operation, at: this.now, input }
    this.calls.push(record)
    try {
      this.beforeCall?.(operation, input)
      if (this.denied.has(operation)) {
        throw cfnError(
          'AccessDenied',
          `User: arn:aws:sts::${ACCOUNT}:assumed-role/teardown/session is not authorized to perform: cloudformation:${operation} on resource: ${String(input.StackName ?? '*')} because no identity-based policy allows the cloudformation:${operation} action`,
          403
        )
      }
      this.settle()
      const handler = (this as unknown as Record<string, (i: Record<string, unknown>) => unknown>)[
        `op${operation}`
      ]
      if (!handler) throw new Error(`the CloudFormation simulator does not model ${operation}`)
      const out = handler.call(this, input)
      return structuredClone(out)
    } catch (error) {
      record.error = (error as Error).name
      throw error
    }
  }

  protected opDescribeStacks(input: Record<string, unknown>): unknown {
    if (input.StackName === undefined) {
      const live = this.stacks.filter(s => s.status !== 'DELETE_COMPLETE')
      const page = this.page(live, input.NextToken, this.options.listPageSize, 'stacks')
      return { Stacks: page.items.map(s => this.describe(s)), NextToken: page.nextToken }
    }
    return { Stacks: [this.describe(this.requireStack(input.StackName))] }
  }

  protected opListStacks(input: Record<string, unknown>): unknown {
    const filter = input.StackStatusFilter as string[] | undefined
    for (const status of filter ?? []) {
      if (!KNOWN_STATUSES.has(status)) {
        throw cfnValidationError(
          `1 validation error detected: Value '[${status}]' at 'stackStatusFilter' failed to satisfy constraint: Member must satisfy constraint: [Member must satisfy enum value set: [${[...KNOWN_STATUSES].join(', ')}]]`
        )
      }
    }
    // Deleted stacks are listed too (for 90 days on AWS), unless the filter leaves them out.
    const items = this.stacks.filter(s => !filter || filter.length === 0 || filter.includes(s.status))
    const page = this.page(items, input.NextToken, this.options.listPageSize, 'list-stacks')
    return {
      StackSummaries: page.items.map(s => ({
        StackId: s.id,
        StackName: s.name,
        StackStatus: s.status,
        StackStatusReason: s.reason,
        CreationTime: new Date(s.createdAt),
        ...(s.deletedAt !== undefined ? { DeletionTime: new Date(s.deletedAt) } : {})
      })),
      NextToken: page.nextToken
    }
  }

  protected opListStackResources(input: Record<string, unknown>): unknown {
    const s = this.requireStack(input.StackName)
    const page = this.page(
      s.resources.map((r, i) => ({ ...r, seq: i })),
      input.NextToken,
      this.options.resourcesPageSize,
      `resources:${s.id}`
    )
    return {
      StackResourceSummaries: page.items.map(r => ({
        LogicalResourceId: r.logicalId,
        PhysicalResourceId: r.physicalId,
        ResourceType: r.type,
        ResourceStatus: r.status,
        ResourceStatusReason: r.reason,
        LastUpdatedTimestamp: new Date(s.createdAt)
      })),
      NextToken: page.nextToken
    }
  }

  protected opDescribeStackResources(input: Record<string, unknown>): unknown {
    if (input.StackName === undefined && input.PhysicalResourceId === undefined) {
      throw cfnValidationError('Either StackName or PhysicalResourceId must be specified.')
    }
    if (input.StackName !== undefined && input.PhysicalResourceId !== undefined) {
      throw cfnValidationError('Specify either StackName or PhysicalResourceId, but not both.')
    }
    const physicalId = input.PhysicalResourceId
    // By physical id: the live resource with that id, in the live stack that holds it. The message
    // for none is an assumption: AWS answers a ValidationError that callers match on "does not exist".
    const s =
      physicalId === undefined
        ? this.requireStack(input.StackName)
        : this.stacks.find(
            x =>
              x.status !== 'DELETE_COMPLETE' &&
              x.resources.some(r => r.physicalId === physicalId && r.status !== 'DELETE_COMPLETE')
          )
    if (!s) throw cfnValidationError(`Stack for ${String(physicalId)} does not exist`)
    const matching = s.resources.filter(
      r => physicalId === undefined || (r.physicalId === physicalId && r.status !== 'DELETE_COMPLETE')
    )
    return {
      StackResources: (physicalId === undefined ? matching : matching.slice(0, 1))
        .filter(r => input.LogicalResourceId === undefined || r.logicalId === input.LogicalResourceId)
        .slice(0, 100)
        .map(r => ({
          StackName: s.name,
          StackId: s.id,
          LogicalResourceId: r.logicalId,
          PhysicalResourceId: r.physicalId,
          ResourceType: r.type,
          ResourceStatus: r.status,
          ResourceStatusReason: r.reason,
          Timestamp: new Date(s.createdAt)
        }))
    }
  }

  protected opListExports(input: Record<string, unknown>): unknown {
    const all = this.stacks
      .filter(s => s.status !== 'DELETE_COMPLETE')
      .flatMap(s => s.exports.map(e => ({ stack: s, e })))
      .map((x, seq) => ({ ...x, seq }))
    const page = this.page(all, input.NextToken, this.options.exportsPageSize, 'exports', x => x.e.name)
    return {
      Exports: page.items.map(x => ({ ExportingStackId: x.stack.id, Name: x.e.name, Value: x.e.value })),
      NextToken: page.nextToken
    }
  }

  protected opListImports(input: Record<string, unknown>): unknown {
    const name = input.ExportName
    if (typeof name !== 'string' || name === '') {
      throw cfnValidationError(
        "1 validation error detected: Value null at 'exportName' failed to satisfy constraint: Member must not be null"
      )
    }
    const importers = this.importersOf(name).map((s, seq) => ({ name: s.name, seq }))
    if (importers.length === 0) throw cfnValidationError(`Export '${name}' is not imported by any stack.`)
    const page = this.page(importers, input.NextToken, this.options.exportsPageSize, `imports:${name}`)
    return { Imports: page.items.map(s => s.name), NextToken: page.nextToken }
  }

  protected opDescribeStackEvents(input: Record<string, unknown>): unknown {
    const s = this.requireStack(input.StackName)
    // Newest first; the cursor counts down so events added between pages never shift older ones.
    const newestFirst = [...s.events].sort((a, b) => b.at - a.at || b.seq - a.seq)
    const ordered = newestFirst.map((e, i) => ({ ...e, seq: i }))
    const page = this.page(
      ordered,
      input.NextToken,
      this.options.eventsPageSize,
      `events:${s.id}`,
      e => e.eventId
    )
    return {
      StackEvents: page.items.map(e => ({
        StackId: s.id,
        StackName: s.name,
        EventId: e.eventId,
        LogicalResourceId: e.logicalId,
        PhysicalResourceId: e.physicalId,
        ResourceType: e.type,
        Timestamp: new Date(e.at),
        ResourceStatus: e.status,
        ResourceStatusReason: e.reason,
        ClientRequestToken: e.token
      })),
      NextToken: page.nextToken
    }
  }

  protected opDeleteStack(input: Record<string, unknown>): unknown {
    const token = input.ClientRequestToken as string | undefined
    if (token !== undefined && (!TOKEN.test(token) || token.length > 128)) {
      throw cfnValidationError(
        `1 validation error detected: Value '${token}' at 'clientRequestToken' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9][-a-zA-Z0-9]*`
      )
    }
    const ref = String(input.StackName ?? '')
    const s = this.findStack(ref)
    // AWS answers success for a stack it does not know, and for one already deleted.
    if (!s || s.status === 'DELETE_COMPLETE') return {}
    if (token !== undefined) {
      // Assumption (AWS documents the exception, not the rule): a token is one operation on one stack.
      const owner = this.stacks.find(x => x !== s && x.tokens.has(token))
      if (owner) {
        throw new TokenAlreadyExistsException({
          message: `Another Operation on StackId ${owner.id} is already using ClientRequestToken ${token}`,
          $metadata: { httpStatusCode: 400 }
        })
      }
      // The same request again (an SDK retry, a re-run with the same token): nothing new starts.
      if (s.tokens.has(token)) return {}
    }
    if (s.status === 'DELETE_IN_PROGRESS') return {}
    if (s.terminationProtection) {
      throw cfnValidationError(`Stack [${s.name}] cannot be deleted while TerminationProtection is enabled`)
    }
    if (CANNOT_DELETE_WHILE.has(s.status)) {
      throw cfnValidationError(`Stack [${ref}] cannot be deleted while in status ${s.status}`)
    }
    const retain = new Set((input.RetainResources as string[] | undefined) ?? [])
    const force = input.DeletionMode === 'FORCE_DELETE_STACK'
    if ((retain.size > 0 || force) && s.status !== 'DELETE_FAILED') {
      throw cfnValidationError(
        `Invalid operation on stack [${s.id}]: RetainResources and DeletionMode FORCE_DELETE_STACK can only be used on a stack in DELETE_FAILED status`
      )
    }
    for (const logicalId of retain) {
      const r = s.resources.find(x => x.logicalId === logicalId)
      if (!r || r.status !== 'DELETE_FAILED') {
        throw cfnValidationError(
          `Resource [${logicalId}] cannot be retained: only resources in DELETE_FAILED status can be retained`
        )
      }
    }
    if (force) for (const r of s.resources) if (r.status === 'DELETE_FAILED') retain.add(r.logicalId)
    if (token !== undefined) s.tokens.add(token)
    const previousStatus = s.status
    s.status = 'DELETE_IN_PROGRESS'
    s.reason = 'User Initiated'
    s.deletion = { token, startedAt: this.now, endsAt: this.now + s.deleteTakesMs, retain, settled: false }
    this.event(s, s, 'DELETE_IN_PROGRESS', 'User Initiated', token)
    const inUse = s.exports.find(e => this.importersOf(e.name).length > 0)
    if (inUse) {
      // Accepted, then given up before any resource is touched.
      const by = this.importersOf(inUse.name).map(x => x.name)
      s.deletion.endsAt = this.now + this.options.exportCheckMs
      s.deletion.exportInUse = {
        previousStatus,
        reason: `Export ${inUse.name} cannot be deleted as it is in use by ${by.join(' and ')}`
      }
      return {}
    }
    for (const r of [...s.resources].reverse()) {
      if (r.status === 'DELETE_COMPLETE' || retain.has(r.logicalId)) continue
      r.status = 'DELETE_IN_PROGRESS'
      delete r.reason
      this.event(s, r, 'DELETE_IN_PROGRESS', undefined, token)
    }
    return {}
  }

  // ---------------------------------------------------------------- deletion

  private finishDeletion(s: SimStack): void {
    const d = s.deletion!
    d.settled = true
    const at = d.endsAt
    if (d.exportInUse) {
      s.status = d.exportInUse.previousStatus
      s.reason = d.exportInUse.reason
      this.event(s, s, s.status, s.reason, d.token, at)
      return
    }
    const failed: string[] = []
    for (const r of [...s.resources].reverse()) {
      if (r.status === 'DELETE_COMPLETE') continue
      if (d.retain.has(r.logicalId)) {
        if (r.status !== 'DELETE_SKIPPED') {
          r.status = 'DELETE_SKIPPED'
          this.event(s, r, 'DELETE_SKIPPED', undefined, d.token, at)
        }
        continue
      }
      const reason = r.failsWith ?? this.refusalOfOthers(r) ?? this.ecsClusterRefusal(r, at)
      if (reason) {
        r.status = 'DELETE_FAILED'
        r.reason = reason
        failed.push(r.logicalId)
        this.event(s, r, 'DELETE_FAILED', reason, d.token, at)
      } else {
        if (r.type === 'AWS::ECS::Service') this.ecs.deleteServiceFromStack(r.physicalId, at)
        r.status = 'DELETE_COMPLETE'
        delete r.reason
        this.event(s, r, 'DELETE_COMPLETE', undefined, d.token, at)
        for (const react of this.onResourceDeleted) react(r, at)
      }
    }
    if (failed.length > 0) {
      s.status = 'DELETE_FAILED'
      s.reason = `The following resource(s) failed to delete: [${failed.join(', ')}]. `
      this.event(s, s, 'DELETE_FAILED', s.reason, d.token, at)
    } else {
      s.status = 'DELETE_COMPLETE'
      delete s.reason
      s.deletedAt = at
      this.event(s, s, 'DELETE_COMPLETE', undefined, d.token, at)
    }
  }

  /** Why another model refuses the resource's deletion (`deletionChecks` answering `fail`). */
  private refusalOfOthers(r: SimStackResource): string | undefined {
    for (const check of this.deletionChecks) {
      const held = check(r)
      if (held && 'fail' in held) return held.fail
    }
    return undefined
  }

  /**
   * What ECS answers CloudFormation's DeleteCluster, with the EcsSim's rules and messages (the
   * cfn-sim tests compare them with the EcsSim's own DeleteCluster); undefined after deleting it.
   * A cluster already gone counts as deleted, as CloudFormation's handlers treat "not found".
   */
  private ecsClusterRefusal(r: SimStackResource, at: number): string | undefined {
    if (r.type !== 'AWS::ECS::Cluster' || !r.clusterArn) return undefined
    const c = this.ecs.clusters.get(r.clusterArn)
    if (!c || c.deletedAt !== undefined) return undefined
    const left = this.ecs.remaining(c.name)
    let refusal: [string, string] | undefined
    if (this.now < c.attachmentsBusyUntil)
      refusal = ['UpdateInProgressException', 'The cluster has an update in progress. Try again later.']
    else if (left.services.length > 0)
      refusal = [
        'ClusterContainsServicesException',
        'The Cluster cannot be deleted while Services are active.'
      ]
    else if (left.tasks.length > 0)
      refusal = ['ClusterContainsTasksException', 'The Cluster cannot be deleted while Tasks are active.']
    else if (left.containerInstances.length > 0)
      refusal = [
        'ClusterContainsContainerInstancesException',
        'The Cluster cannot be deleted while Container Instances are active or draining.'
      ]
    else if (c.capacityProviders.some(cp => cp !== 'FARGATE' && cp !== 'FARGATE_SPOT'))
      refusal = [
        'ClusterContainsCapacityProviderException',
        'The cluster contains one or more capacity providers. Remove the capacity providers and try again.'
      ]
    if (refusal) {
      const [code, message] = refusal
      return `Resource handler returned message: "${message} (Service: Ecs, Status Code: 400, Error Code: ${code}, Request ID: ${this.uuid()})" (RequestToken: ${this.uuid()}, HandlerErrorCode: GeneralServiceException)`
    }
    c.deletedAt = at
    return undefined
  }

  // ---------------------------------------------------------------- lookups

  /** By name: the live stack. By StackId: that stack, deleted or not. */
  private findStack(ref: string): SimStack | undefined {
    if (ref.startsWith('arn:')) return this.stacks.find(s => s.id === ref)
    return this.stacks.find(s => s.name === ref && s.status !== 'DELETE_COMPLETE')
  }

  /** The live stacks that import this export name. */
  private importersOf(exportName: string): SimStack[] {
    return this.stacks.filter(s => s.status !== 'DELETE_COMPLETE' && s.imports.includes(exportName))
  }

  private liveExport(name: string): SimExport | undefined {
    return this.stacks
      .filter(s => s.status !== 'DELETE_COMPLETE')
      .flatMap(s => s.exports)
      .find(e => e.name === name)
  }

  private requireStack(ref: unknown): SimStack {
    if (ref === undefined || ref === '') throw cfnValidationError('StackName must be specified')
    const s = this.findStack(String(ref))
    if (!s) throw cfnValidationError(`Stack with id ${String(ref)} does not exist`)
    return s
  }

  private ecsCluster(name: string): SimCluster {
    const c = [...this.ecs.clusters.values()].find(x => x.name === name || x.arn === name)
    if (!c) throw new Error(`ownsCluster: no cluster ${name} in the EcsSim`)
    return c
  }

  private describe(s: SimStack): unknown {
    return {
      StackId: s.id,
      StackName: s.name,
      StackStatus: s.status,
      StackStatusReason: s.reason,
      CreationTime: new Date(s.createdAt),
      ...(s.deletedAt !== undefined ? { DeletionTime: new Date(s.deletedAt) } : {}),
      EnableTerminationProtection: s.terminationProtection,
      ...(s.exports.length > 0
        ? {
            Outputs: s.exports.map(e => ({
              OutputKey: e.outputKey,
              OutputValue: e.value,
              ExportName: e.name
            }))
          }
        : {}),
      Tags: []
    }
  }

  private event(
    s: SimStack,
    of: SimStack | SimStackResource,
    status: string,
    reason?: string,
    token?: string,
    at = this.now
  ): void {
    const isStack = 'id' in of
    s.events.push({
      eventId: this.uuid(),
      seq: this.seq++,
      at,
      logicalId: isStack ? s.name : of.logicalId,
      physicalId: isStack ? s.id : of.physicalId,
      type: isStack ? 'AWS::CloudFormation::Stack' : of.type,
      status,
      reason,
      token
    })
  }

  /**
   * One page. The token is a cursor on `seq` (creation order, or newest-first order for events),
   * so an item added or removed between pages never shifts another out of sight.
   */
  private page<T extends { seq: number }>(
    items: T[],
    nextToken: unknown,
    size: number,
    kind: string,
    key: (item: T) => string = item => String(item.seq)
  ): { items: T[]; nextToken?: string } {
    const sorted = [...items].sort((a, b) => a.seq - b.seq)
    let start = 0
    if (nextToken !== undefined) {
      let cursor: { kind?: string; after?: string }
      try {
        cursor = JSON.parse(Buffer.from(String(nextToken), 'base64url').toString()) as typeof cursor
      } catch {
        throw cfnValidationError('Invalid NextToken')
      }
      if (cursor?.kind !== kind) throw cfnValidationError('Invalid NextToken')
      const i = sorted.findIndex(x => key(x) === cursor.after)
      start = i < 0 ? sorted.length : i + 1
    }
    const pageItems = sorted.slice(start, start + size)
    const last = pageItems[pageItems.length - 1]
    return {
      items: pageItems,
      nextToken:
        start + size < sorted.length && last
          ? Buffer.from(JSON.stringify({ kind, after: key(last) })).toString('base64url')
          : undefined
    }
  }

  private uuid(): string {
    const n = (this.seq++).toString(16).padStart(12, '0')
    return `5eed0000-0000-4000-8000-${n}`
  }
}
