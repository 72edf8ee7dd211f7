import {
  describeUsers,
  logGroupKeepReason,
  taskDefinitionKeepReason,
  type OtherUsersCheck
} from '../kinds/other-users/index.js'
import type { ImportingStack, OutsideSelection } from './find.js'

/**
 * What a stack may own and still be deleted with the services being removed: the rule for the
 * stack of the selected services (services mode) and for the stacks that import the exports of the
 * stack to delete. Whatever else it owns is named, and makes its deletion a refusal.
 */

/**
 * Services mode: what a stack may own and still go with the selected services. The services
 * themselves, task definitions no other service runs, target groups no other service uses, and the
 * kinds that belong to one service (its roles, log groups, listener rules, scaling, discovery,
 * schedules, security groups, alarms). Anything else (the cluster, its capacity, load balancers and
 * listeners, namespaces, nested stacks, networks…) is outside: it is shared, or may be.
 */
export function outsideServices(selection: {
  /** The cluster's name: a service's ARN names its cluster (arn:…:service/<cluster>/<service>). */
  cluster: string
  services: { name: string; arn: string }[]
  /** Task definition ARNs another service or task of the cluster runs. */
  sharedTaskDefinitions: ReadonlySet<string>
  /** Target group ARNs another service of the cluster uses. */
  sharedTargetGroups: ReadonlySet<string>
}): OutsideSelection {
  const arns = new Set(selection.services.map(s => s.arn))
  const names = new Set(selection.services.map(s => s.name))
  // By name only within this cluster: another cluster may have a service of the same name. The
  // short ARN format (arn:…:service/<service>, from before ECS's long ARNs) names no cluster.
  const isSelectedByName = (arn: string): boolean => {
    const path = /:service\/(.+)$/.exec(arn)?.[1]?.split('/') ?? []
    if (path.length === 1) return names.has(path[0]!)
    return path.length === 2 && path[0] === selection.cluster && names.has(path[1]!)
  }
  return r => {
    const type = r.ResourceType ?? ''
    const id = r.PhysicalResourceId ?? ''
    const what = `${id.slice(id.lastIndexOf('/') + 1) || r.LogicalResourceId} (${type})`
    switch (type) {
      case 'AWS::ECS::Service':
        return arns.has(id) || isSelectedByName(id) ? undefined : `service ${what}`
      case 'AWS::ECS::TaskDefinition':
        return selection.sharedTaskDefinitions.has(id)
          ? `task definition ${what}, another service runs it`
          : undefined
      case 'AWS::ElasticLoadBalancingV2::TargetGroup':
        return selection.sharedTargetGroups.has(id)
          ? `target group ${what}, another service uses it`
          : undefined
      default:
        return PER_SERVICE_TYPES.has(type) ? undefined : what
    }
  }
}

const PER_SERVICE_TYPES = new Set([
  'AWS::Logs::LogGroup',
  'AWS::IAM::Role',
  'AWS::IAM::Policy',
  'AWS::IAM::ManagedPolicy',
  'AWS::ElasticLoadBalancingV2::ListenerRule',
  'AWS::ApplicationAutoScaling::ScalableTarget',
  'AWS::ApplicationAutoScaling::ScalingPolicy',
  'AWS::ServiceDiscovery::Service',
  'AWS::Events::Rule',
  'AWS::Scheduler::Schedule',
  'AWS::EC2::SecurityGroup',
  'AWS::EC2::SecurityGroupIngress',
  'AWS::EC2::SecurityGroupEgress',
  'AWS::Route53::RecordSet',
  'AWS::CloudWatch::Alarm',
  'AWS::SSM::Parameter',
  'AWS::SecretsManager::Secret',
  'AWS::CDK::Metadata'
])

/**
 * Whole-cluster mode: what a stack importing the cluster's stack may own and still go with it. The
 * cluster's services (all of them go) and what belongs to one service (outsideServices); anything
 * else, such as a database, a bucket or another cluster's service, is outside.
 */
export function outsideCluster(
  cluster: { name: string },
  services: { name: string; arn: string }[]
): OutsideSelection {
  const ofServices = outsideServices({
    cluster: cluster.name,
    services,
    sharedTaskDefinitions: new Set(),
    sharedTargetGroups: new Set()
  })
  // A service's ARN (its physical id) names its cluster: arn:…:service/<cluster>/<service>.
  const inCluster = `:service/${cluster.name}/`
  return r =>
    r.ResourceType === 'AWS::ECS::Service' && (r.PhysicalResourceId ?? '').includes(inCluster)
      ? undefined
      : ofServices(r)
}

/**
 * Whole-cluster mode: the importers again, with what each owns that a service or task of another
 * cluster uses (a revision, a target group, a log group its revisions write to) added to what it
 * also owns, or, when the other clusters could not all be read, why that cannot be known: either
 * is a refusal (refusal.ts importRefusal). The look is taken only when an importer owns such things.
 */
export async function judgeOtherClustersUse(
  importers: ImportingStack[],
  look: (logGroups: boolean) => Promise<OtherUsersCheck>
): Promise<ImportingStack[]> {
  const owned = importers.flatMap(i => i.usedElsewhere ?? [])
  if (owned.length === 0) return importers
  const check = await look(owned.some(r => r.type === LOG_GROUP))
  return importers.map(i => {
    if (!i.usedElsewhere?.length) return i
    if (check.incomplete) return { ...i, cannotKnow: check.incomplete }
    const used = i.usedElsewhere.flatMap(r => {
      const why = usedBy(r, check)
      return why ? [`${shown(r)} (${r.type}), ${why}`] : []
    })
    return used.length > 0 ? { ...i, alsoOwns: [...(i.alsoOwns ?? []), ...used] } : i
  })
}

const LOG_GROUP = 'AWS::Logs::LogGroup'

/** A revision as `family:revision`, a target group as `name/id`, a log group by its name (which may hold slashes). */
function shown(r: { type: string; id: string }): string {
  if (r.type === LOG_GROUP) return r.id
  return r.id.replace(/^arn:[^:]*:[^:]*:[^:]*:[^:]*:(task-definition|targetgroup)\//, '')
}

/**
 * Who outside the run's clusters uses it, in words (the kinds' own reasons); undefined when no one.
 * Physical ids (what Ref gives, CloudFormation's resource reference): a revision's ARN, a target
 * group's ARN, a log group's name.
 */
function usedBy(resource: { type: string; id: string }, check: OtherUsersCheck): string | undefined {
  if (resource.type === LOG_GROUP) return logGroupKeepReason(resource.id, check)
  if (resource.type === 'AWS::ECS::TaskDefinition') return taskDefinitionKeepReason(resource.id, check)
  const users = check.targetGroups?.[resource.id]
  return users?.length ? `still used by ${describeUsers(users)}` : undefined
}
