import type { Instance } from '@aws-sdk/client-ec2'
import { callAws, type CallContext, type SendPort } from '../../aws/call.js'
import { isAvailable } from '../../aws/clients.js'
import { sdk } from '../../aws/sdk.js'
import { Limits, OwnerTags } from '../../constants.js'
import type { ContainerInstanceInfo } from '../../inventory/index.js'
import { errorMessage, isAccessDenied } from '../../util/errors.js'
import { paginate } from '../../util/paginate.js'
import { chunk } from '../../util/pool.js'
import type { FindContext } from '../kind.js'

/**
 * The machines behind the container instances, as the hosts kind (src/kinds/hosts.ts) reads them:
 * their EC2 state and who owns them (read only).
 */

/** Who launches a replacement for a terminated instance, or deletes it with a stack. */
export interface HostOwner {
  kind: 'auto-scaling-group' | 'stack' | 'fleet'
  /** The group, stack or fleet. */
  name: string
  /** The stack that holds the group (its instances carry the stack's tags too). */
  stack?: string
}

/** The machine behind a container instance. */
export interface HostInfo {
  containerInstanceArn: string
  containerInstanceId: string
  /** i-… for EC2; mi-… (a Systems Manager managed instance) for an external instance. */
  instanceId: string
  external: boolean
  /**
   * EC2 only: the state name (running, stopped, shutting-down, terminated…), `not-found` when EC2
   * no longer knows it, undefined when it could not be read.
   */
  state?: string
  owner?: HostOwner
}

export type HostContext = CallContext & { ec2: SendPort }

/** States in which an instance no longer bills for compute (EBS volumes of a stopped one still do). */
export const GONE_STATES = new Set(['shutting-down', 'terminated', 'not-found'])

export function hostsOf(instances: ContainerInstanceInfo[]): HostInfo[] {
  return instances
    .filter(ci => ci.ec2InstanceId)
    .map(ci => ({
      containerInstanceArn: ci.arn,
      containerInstanceId: ci.id,
      instanceId: ci.ec2InstanceId ?? '',
      external: ci.external === true || /^mi-/.test(ci.ec2InstanceId ?? '')
    }))
}

/**
 * State and owner of the EC2 instances (never the external ones: their mi- ids are not EC2's). An
 * `instance-id` filter rather than InstanceIds: an id EC2 no longer knows is then simply missing
 * from the answer, where InstanceIds would fail the whole call with InvalidInstanceID.NotFound.
 */
export async function describeHosts(ctx: HostContext, hosts: HostInfo[]): Promise<HostInfo[]> {
  const ids = [...new Set(hosts.filter(h => !h.external).map(h => h.instanceId))]
  const found = new Map<string, Instance>()
  for (const batch of chunk(ids, Limits.describeInstancesBatch)) {
    const reservations = await paginate(async nextToken => {
      const out = await callAws(
        ctx,
        ctx.ec2,
        new (await sdk.ec2()).DescribeInstancesCommand({
          Filters: [{ Name: 'instance-id', Values: batch }],
          MaxResults: 1000,
          NextToken: nextToken
        })
      )
      return { items: out.Reservations ?? [], nextToken: out.NextToken }
    })
    for (const instance of reservations.flatMap(r => r.Instances ?? [])) {
      if (instance.InstanceId) found.set(instance.InstanceId, instance)
    }
  }
  return hosts.map(host => {
    if (host.external) return host
    const instance = found.get(host.instanceId)
    if (!instance) return { ...host, state: 'not-found' }
    const owner = ownerOf(instance)
    return { ...host, state: instance.State?.Name ?? 'unknown', ...(owner ? { owner } : {}) }
  })
}

function ownerOf(instance: Instance): HostOwner | undefined {
  const tags = new Map((instance.Tags ?? []).map(t => [t.Key ?? '', t.Value ?? '']))
  const stack = tags.get(OwnerTags.stackName)
  const group = tags.get(OwnerTags.autoScalingGroup)
  if (group) return { kind: 'auto-scaling-group', name: group, ...(stack ? { stack } : {}) }
  const fleet = tags.get(OwnerTags.ec2Fleet) ?? tags.get(OwnerTags.spotFleet)
  if (fleet) return { kind: 'fleet', name: fleet }
  if (stack) return { kind: 'stack', name: stack, stack }
  return undefined
}

/**
 * Without terminate-instances, reading EC2 only makes the report precise: a role without
 * ec2:DescribeInstances still gets its teardown, with the instances reported as before. With it,
 * the owners must be known before anything is terminated, so a denial fails the run.
 */
export async function readHosts(
  ctx: FindContext,
  hosts: HostInfo[],
  terminateInstances: boolean
): Promise<{ hosts: HostInfo[]; hostsUnread?: string }> {
  if (!hosts.some(h => !h.external)) return { hosts }
  if (!isAvailable(ctx.ec2)) return { hosts, hostsUnread: 'EC2 is not available to this run' }
  try {
    return { hosts: await describeHosts(ctx, hosts) }
  } catch (error) {
    if (!isAccessDenied(error)) throw error
    if (terminateInstances) {
      if (!ctx.onDenied) throw error
      ctx.onDenied(error)
    } else {
      ctx.log.warning(`Could not read the EC2 instances (${errorMessage(error)}); reporting them as before`)
    }
    return { hosts, hostsUnread: `ec2:DescribeInstances was denied: ${errorMessage(error)}` }
  }
}
