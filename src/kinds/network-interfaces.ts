import { sdk } from '../aws/sdk.js'
import type { ApplyContext } from '../apply/context.js'
import { callAws, type CallContext, type SendPort } from '../aws/call.js'
import { code } from '../report/html.js'
import { isAvailable } from '../aws/clients.js'
import { DeadlineError, errorMessage, isAccessDenied } from '../util/errors.js'
import { paginate } from '../util/paginate.js'
import { pollUntil } from '../util/poll.js'
import { chunk } from '../util/pool.js'
import { count, relatedReport, type ReportPart, type ResourceKind } from './kind.js'
import { notDone } from './bookkeeping.js'

// Its part of the report (docs/report.md), declared here: report.ts knows none of the kinds.
declare module '../report/report.js' {
  interface RelatedReport {
    /** The awsvpc tasks' network interfaces waited for before the stack's deletion. */
    networkInterfaces: { id: string; action: 'released' }[]
  }
  interface RelatedFound {
    networkInterfaces: number
  }
  interface KindLeftovers {
    'network-interface': true
  }
}

/**
 * The network interfaces of the environment's awsvpc tasks (each task's ElasticNetworkInterface
 * attachment names its `networkInterfaceId`). EC2 releases them some time after the task is STOPPED;
 * until then the security group, subnet and VPC they are in cannot be deleted (DependencyViolation:
 * hashicorp/terraform-provider-aws#3414, aws/copilot-cli#5481). When the stack deleted by this run
 * owns security groups, subnets or a VPC, its deletion waits until they are gone, within the run's
 * deadline: otherwise CloudFormation's deletion of them would end DELETE_FAILED.
 */

export interface InterfacesFound {
  /** The ENI ids of the tasks being removed. */
  ids: string[]
}

export interface InterfacesPlan {
  /** The ids to wait for before DeleteStack; empty when the stack owns no network (or there is no stack). */
  wait: string[]
  stack?: string
  /** What the stack (or a stack importing it, named) owns that the interfaces would hold up. */
  network: string[]
}

type Ec2Context = CallContext & { ec2: SendPort }

/** EC2 allows 200 values per filter. */
const IDS_PER_FILTER = 200

export const networkInterfacesKind: ResourceKind<InterfacesFound, InterfacesPlan> = {
  name: 'network interfaces',
  emptyReport: (): ReportPart<'networkInterfaces', 'networkInterfaces'> => ({
    found: { networkInterfaces: 0 },
    networkInterfaces: []
  }),

  // No call: the ids come with the tasks the inventory described.
  async find(_ctx, scope) {
    return { ids: [...new Set(scope.tasks.flatMap(t => t.networkInterfaceIds ?? []))] }
  },

  recordFound(found, report) {
    report.found.networkInterfaces = found.ids.length
  },

  decide(found, { stack }) {
    // The stacks importing it are deleted first, and own their services' security groups: their
    // network holds up their deletion the same way (named with their stack).
    const network = [
      ...(stack?.networkResources ?? []),
      ...(stack?.importers ?? []).flatMap(i =>
        (i.networkResources ?? []).map(id => `${id} (of stack ${i.name})`)
      )
    ]
    return {
      wait: stack && network.length > 0 ? found.ids : [],
      network,
      ...(stack ? { stack: stack.name } : {})
    }
  },

  steps(plan) {
    if (plan.wait.length === 0) return []
    return [
      {
        stage: 'before-stack',
        phase: 'network-interfaces',
        description: `Wait until EC2 has released the ${count(plan.wait.length, 'network interface')} of the awsvpc tasks (stack ${plan.stack} owns ${plan.network.join(', ')}, which CloudFormation cannot delete while an interface is in them)`,
        resources: plan.wait
      }
    ]
  },

  notes: () => [],

  actions: {
    'before-stack': {
      phase: 'network interfaces',
      needed: plan => plan.wait.length > 0,
      run: (ctx, plan) => waitUntilReleased(ctx, plan)
    }
  },

  unfinished(plan, report) {
    const released = new Set(report.related?.networkInterfaces.map(n => n.id))
    return notDone(plan.wait, id => released.has(id), {
      kind: 'network-interface',
      id: id => id,
      reason: `not yet released by EC2 when the run stopped; stack ${plan.stack} cannot delete ${plan.network.join(', ')} until it is`
    })
  },

  // The interfaces are the tasks': no row of their own; waiting for them is in the lists.
  countRows: () => [],

  doneLists(r) {
    return [
      {
        title: 'Network interfaces of awsvpc tasks, released before the stack was deleted',
        items: r.networkInterfaces.map(n => code(n.id))
      }
    ]
  }
}

/**
 * The ids EC2 still has. A `network-interface-id` filter rather than NetworkInterfaceIds: an id EC2
 * no longer knows is then simply missing from the answer, where NetworkInterfaceIds would fail the
 * whole call with InvalidNetworkInterfaceID.NotFound.
 */
export async function existingInterfaces(ctx: Ec2Context, ids: string[]): Promise<string[]> {
  const left: string[] = []
  for (const batch of chunk(ids, IDS_PER_FILTER)) {
    const found = await paginate(async nextToken => {
      const out = await callAws(
        ctx,
        ctx.ec2,
        new (await sdk.ec2()).DescribeNetworkInterfacesCommand({
          Filters: [{ Name: 'network-interface-id', Values: batch }],
          MaxResults: 1000,
          NextToken: nextToken
        })
      )
      return { items: out.NetworkInterfaces ?? [], nextToken: out.NextToken }
    })
    left.push(...found.map(n => n.NetworkInterfaceId ?? '').filter(Boolean))
  }
  return left
}

async function waitUntilReleased(ctx: ApplyContext, plan: InterfacesPlan): Promise<void> {
  if (!isAvailable(ctx.ec2)) {
    ctx.log.warning(
      `EC2 is not available to this run: the stack's deletion does not wait for the awsvpc tasks' network interfaces`
    )
    return
  }
  const started = ctx.clock()
  ctx.log.info(
    `Waiting until EC2 has released the ${count(plan.wait.length, 'network interface')} of the awsvpc tasks before deleting stack ${plan.stack} (it owns ${plan.network.join(', ')})`
  )
  let left = plan.wait
  let denied = false
  const result = await pollUntil(
    ctx,
    {
      deadline: ctx.deadline,
      schedule: { firstMs: 0, stepMs: 5_000, factor: 2, ceilingMs: ctx.pollIntervalMs }
    },
    async () => {
      try {
        left = await existingInterfaces(ctx, left)
      } catch (error) {
        // A role without ec2:DescribeNetworkInterfaces deletes the stack as before this wait existed.
        if (!isAccessDenied(error)) throw error
        ctx.log.warning(
          `Could not read the network interfaces (${errorMessage(error)}): deleting the stack without waiting for them; it fails with DependencyViolation if EC2 has not released them yet`
        )
        denied = true
        return { done: true, value: undefined }
      }
      return left.length === 0
        ? { done: true, value: undefined }
        : { done: false, reason: `${count(left.length, 'network interface')} not yet released` }
    }
  )
  if (denied) return
  const related = relatedReport(ctx.report)
  for (const id of plan.wait)
    if (!left.includes(id)) related.networkInterfaces.push({ id, action: 'released' })
  if (!result.done) {
    for (const id of left)
      ctx.report.leftovers.push({
        kind: 'network-interface',
        id,
        reason: `not yet released by EC2 at the deadline; stack ${plan.stack} was not deleted, since it cannot delete ${plan.network.join(', ')} while the interface is in them: run again later`
      })
    throw new DeadlineError(
      `${count(left.length, 'network interface')} of the awsvpc tasks ${left.length === 1 ? 'was' : 'were'} not released before the deadline: ${left.join(', ')}`
    )
  }
  ctx.log.info(
    `EC2 released the ${count(plan.wait.length, 'network interface')} in ${Math.round((ctx.clock() - started) / 1000)} s`
  )
}
