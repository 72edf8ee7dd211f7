import { AutoScalingServiceException } from '@aws-sdk/client-auto-scaling'
import type { Ec2Sim, SimInstance } from './ec2-sim.js'
import { ACCOUNT } from './ecs-sim.js'
import { ServiceSim } from './service-sim.js'

/**
 * A strict model of the EC2 Auto Scaling calls a teardown makes, after botocore's `autoscaling`
 * service-2.json (2011-01-01), on the groups and instances of the Ec2Sim (autoscaling-sim.ts is
 * Application Auto Scaling, the services' scaling: another API).
 * - DescribeAutoScalingGroups: MaxRecords 1–100 (default 50), paged with NextToken
 *   (InvalidNextToken for a token that is not this list's); names it does not know are left out;
 *   each group's Instances carry ProtectedFromScaleIn (required in the model's Instance).
 * - DescribeAutoScalingInstances: at most 50 InstanceIds, MaxRecords at most 50 (the model's
 *   documentation); an id that does not exist "is ignored with no error".
 * - SetInstanceProtection: InstanceIds, AutoScalingGroupName and ProtectedFromScaleIn are required;
 *   "You can specify up to 50 instances", and more fails the call (the model lists
 *   LimitExceededFault, code LimitExceeded, for it: assumed to be that error). An unknown group or
 *   an instance not in the group is a ValidationError (assumed messages).
 * Errors as the SDK hands them over: AutoScalingServiceException with the error code as name. One
 * test per rule in __tests__/sim/stack-blockers-sim.test.ts.
 */

export const EC2_AUTOSCALING_MUTATING_OPERATIONS = new Set(['SetInstanceProtection'])

export class Ec2AutoScalingSim extends ServiceSim {
  constructor(
    private readonly ec2: Ec2Sim,
    options: { latencyMs?: number } = {}
  ) {
    super(
      ec2.ecs,
      { name: 'EC2 Auto Scaling', iamPrefix: 'autoscaling', exception: AutoScalingServiceException },
      EC2_AUTOSCALING_MUTATING_OPERATIONS,
      options.latencyMs
    )
  }

  protected override deniedName(): string {
    return 'AccessDenied'
  }

  /** The group's instances that are still protected from scale-in. */
  protectedInstances(group: string): string[] {
    return this.ec2
      .groupInstances(group)
      .filter(i => i.protectedFromScaleIn)
      .map(i => i.id)
  }

  // ---------------------------------------------------------------- the API

  protected opDescribeAutoScalingGroups(input: Record<string, unknown>): unknown {
    const size = this.maxRecords(input, 100)
    const names = input.AutoScalingGroupNames as string[] | undefined
    const groups = [...this.ec2.autoScalingGroups.entries()]
      .filter(([name, g]) => !g.deleted && (!names || names.length === 0 || names.includes(name)))
      .sort(([a], [b]) => a.localeCompare(b))
    const page = this.page(
      groups,
      ([name]) => name,
      input.NextToken,
      size,
      'groups',
      () => this.error('InvalidNextToken', 'The token is invalid.')
    )
    return {
      AutoScalingGroups: page.items.map(([name, g]) => {
        const instances = this.ec2.groupInstances(name)
        return {
          AutoScalingGroupName: name,
          AutoScalingGroupARN: `arn:aws:autoscaling:${this.region}:${ACCOUNT}:autoScalingGroup:5eed0000-0000-4000-8000-000000000000:autoScalingGroupName/${name}`,
          MinSize: 0,
          MaxSize: Math.max(10, instances.length),
          DesiredCapacity: instances.length,
          DefaultCooldown: 300,
          AvailabilityZones: [`${this.region}a`],
          HealthCheckType: 'EC2',
          CreatedTime: new Date(g.createdAt),
          NewInstancesProtectedFromScaleIn: g.protectNew === true,
          Instances: instances.map(i => this.instance(i)),
          Tags: Object.entries(g.tags)
            .filter(([key]) => !key.startsWith('aws:autoscaling:'))
            .map(([Key, Value]) => ({
              ResourceId: name,
              ResourceType: 'auto-scaling-group',
              Key,
              Value,
              PropagateAtLaunch: true
            }))
        }
      }),
      ...(page.nextToken ? { NextToken: page.nextToken } : {})
    }
  }

  protected opDescribeAutoScalingInstances(input: Record<string, unknown>): unknown {
    const size = this.maxRecords(input, 50)
    const ids = input.InstanceIds as string[] | undefined
    if (ids && ids.length > 50)
      throw this.error(
        'ValidationError',
        "1 validation error detected: Value at 'instanceIds' failed to satisfy constraint: Member must have length less than or equal to 50"
      )
    const grouped = [...this.ec2.instances.values()]
      .filter(i => i.tags['aws:autoscaling:groupName'] && i.terminatedAt === undefined)
      .filter(i => !ids || ids.length === 0 || ids.includes(i.id))
      .sort((a, b) => a.id.localeCompare(b.id))
    const page = this.page(
      grouped,
      i => i.id,
      input.NextToken,
      size,
      'instances',
      () => this.error('InvalidNextToken', 'The token is invalid.')
    )
    return {
      AutoScalingInstances: page.items.map(i => ({
        ...this.instance(i),
        AutoScalingGroupName: i.tags['aws:autoscaling:groupName']
      })),
      ...(page.nextToken ? { NextToken: page.nextToken } : {})
    }
  }

  protected opSetInstanceProtection(input: Record<string, unknown>): unknown {
    const ids = input.InstanceIds as string[] | undefined
    const group = input.AutoScalingGroupName as string | undefined
    if (!ids || group === undefined || typeof input.ProtectedFromScaleIn !== 'boolean')
      throw this.error(
        'ValidationError',
        'InstanceIds, AutoScalingGroupName and ProtectedFromScaleIn are required'
      )
    if (ids.length > 50)
      throw this.error(
        'LimitExceeded',
        `You have exceeded the maximum limit of 50 instance IDs per call for Auto Scaling group ${group}`
      )
    const g = this.ec2.autoScalingGroups.get(group)
    if (!g || g.deleted) throw this.error('ValidationError', `AutoScalingGroup name not found - ${group}`)
    const members = this.ec2.groupInstances(group)
    const strangers = ids.filter(id => !members.some(i => i.id === id))
    if (strangers.length > 0)
      throw this.error(
        'ValidationError',
        `The instance ${strangers[0]} is not part of Auto Scaling group ${group}.`
      )
    for (const i of members) if (ids.includes(i.id)) i.protectedFromScaleIn = input.ProtectedFromScaleIn
    return {}
  }

  // ---------------------------------------------------------------- rules of the model

  private instance(i: SimInstance): Record<string, unknown> {
    return {
      InstanceId: i.id,
      InstanceType: 't3.micro',
      AvailabilityZone: `${this.region}a`,
      LifecycleState: i.state === 'running' ? 'InService' : 'Standby',
      HealthStatus: 'Healthy',
      ProtectedFromScaleIn: i.protectedFromScaleIn === true
    }
  }

  private maxRecords(input: Record<string, unknown>, max: number): number {
    if (input.MaxRecords === undefined) return 50
    const size = Number(input.MaxRecords)
    if (!Number.isInteger(size) || size < 1 || size > max)
      throw this.error(
        'ValidationError',
        `1 validation error detected: Value '${String(input.MaxRecords)}' at 'maxRecords' failed to satisfy constraint: Member must have value less than or equal to ${max}`
      )
    return size
  }
}
