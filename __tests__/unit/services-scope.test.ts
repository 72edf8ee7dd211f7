import { describe, expect, it } from '@jest/globals'
import type { ImportingStack, StackTarget } from '../../src/stack/find.js'
import { stackRefusal } from '../../src/stack/refusal.js'
import { outsideCluster, outsideServices } from '../../src/stack/owns.js'
import type { TeardownScope } from '../../src/kinds/kind.js'
import { familyOf as familyOfRef } from '../../src/ecs/task-definitions.js'
import { sharedWithNeighbours } from '../../src/kinds/other-users/index.js'
import type { ServiceInfo } from '../../src/inventory/index.js'

const ARN = 'arn:aws:ecs:us-east-1:123456789012'
const td = (rev: string) => `${ARN}:task-definition/${rev}`

function service(name: string, taskDefinitions: string[]): ServiceInfo {
  return {
    name,
    arn: `${ARN}:service/shared/${name}`,
    status: 'ACTIVE',
    schedulingStrategy: 'REPLICA',
    deploymentController: 'ECS',
    desiredCount: 1,
    runningCount: 1,
    taskSets: [],
    taskDefinitions
  }
}

describe('services mode: what the selected services share with the others', () => {
  it('names the other services that run a revision or a family of the scope; standalone tasks do not count', () => {
    const scope = {
      taskDefinitions: [td('app:3'), td('pr-42-api:1')],
      neighbours: {
        services: [service('pr-7-web', [td('app:3')]), service('pr-7-api', [td('pr-7-api:1')])],
        tasks: [
          { taskDefinitionArn: td('pr-42-api:1'), group: 'family:pr-42-api', id: 't1' },
          { taskDefinitionArn: td('app:2'), serviceName: 'pr-9-web', group: 'service:pr-9-web', id: 't2' }
        ]
      }
    } as unknown as TeardownScope
    const shared = sharedWithNeighbours(scope)
    expect([...shared.taskDefinitions]).toEqual([[td('app:3'), ['service pr-7-web']]])
    expect([...shared.families]).toEqual([['app', ['service pr-7-web', 'service pr-9-web']]])
    expect(familyOfRef(td('app:3'))).toBe('app')
    expect(familyOfRef(`${ARN}:task-definition/app`)).toBe('app')
    expect(sharedWithNeighbours({ ...scope, neighbours: undefined }).families.size).toBe(0)
  })
})

describe('services mode: a stack that owns the selected services', () => {
  const judge = outsideServices({
    cluster: 'shared',
    services: [{ name: 'pr-42-web', arn: `${ARN}:service/shared/pr-42-web` }],
    sharedTaskDefinitions: new Set([td('app:3')]),
    sharedTargetGroups: new Set(['arn:tg/shared'])
  })
  const r = (ResourceType: string, PhysicalResourceId: string) =>
    judge({ ResourceType, PhysicalResourceId, LogicalResourceId: 'X' } as never)

  it('takes the services, their own revisions, groups, rules, roles and log groups as inside', () => {
    expect(r('AWS::ECS::Service', `${ARN}:service/shared/pr-42-web`)).toBeUndefined()
    expect(r('AWS::ECS::TaskDefinition', td('pr-42-web:1'))).toBeUndefined()
    expect(r('AWS::ElasticLoadBalancingV2::TargetGroup', 'arn:tg/pr-42')).toBeUndefined()
    for (const type of ['AWS::ElasticLoadBalancingV2::ListenerRule', 'AWS::IAM::Role', 'AWS::Logs::LogGroup'])
      expect(r(type, 'x')).toBeUndefined()
  })

  it('names what is outside: the cluster, other services, shared revisions and groups, load balancers, unknown types', () => {
    expect(r('AWS::ECS::Cluster', 'shared')).toBe('shared (AWS::ECS::Cluster)')
    expect(r('AWS::ECS::Service', `${ARN}:service/shared/pr-7-web`)).toBe(
      'service pr-7-web (AWS::ECS::Service)'
    )
    expect(r('AWS::ECS::TaskDefinition', td('app:3'))).toBe(
      'task definition app:3 (AWS::ECS::TaskDefinition), another service runs it'
    )
    expect(r('AWS::ElasticLoadBalancingV2::TargetGroup', 'arn:tg/shared')).toMatch(/another service uses it/)
    expect(r('AWS::ElasticLoadBalancingV2::LoadBalancer', 'arn:lb/app/previews/1')).toBe(
      '1 (AWS::ElasticLoadBalancingV2::LoadBalancer)'
    )
    expect(r('AWS::CloudFormation::Stack', 'arn:stack/nested/1')).toMatch(/AWS::CloudFormation::Stack/)
  })

  it('names a service of the same name in another cluster as outside; a short ARN (no cluster) by its name', () => {
    expect(r('AWS::ECS::Service', `${ARN}:service/other/pr-42-web`)).toBe(
      'service pr-42-web (AWS::ECS::Service)'
    )
    expect(r('AWS::ECS::Service', `${ARN}:service/pr-42-web`)).toBeUndefined()
  })

  it('refuses a stack that owns anything outside, or when the services belong to several stacks', () => {
    const target: StackTarget = {
      name: 'pr-42',
      id: 'arn:stack/pr-42/1',
      status: 'CREATE_COMPLETE',
      foundBy: 'tag',
      terminationProtection: false,
      ownsCluster: false,
      otherMatches: [],
      alsoOwns: []
    }
    expect(stackRefusal(target)).toBeUndefined()
    expect(stackRefusal({ ...target, alsoOwns: ['shared (AWS::ECS::Cluster)'] })).toMatch(
      /^Stack pr-42 owns the selected services but also what is outside the selection: shared \(AWS::ECS::Cluster\)\./
    )
    expect(stackRefusal({ ...target, otherMatches: ['pr-43'] })).toMatch(
      /^The selected services belong to several stacks \(pr-42, pr-43\)/
    )
  })
})

describe('whole cluster: a stack that imports the exports of the cluster stack', () => {
  const judge = outsideCluster({ name: 'shop' }, [])
  const r = (ResourceType: string, PhysicalResourceId: string) =>
    judge({ ResourceType, PhysicalResourceId, LogicalResourceId: 'X' } as never)
  const importer: ImportingStack = {
    name: 'shop-web',
    id: 'arn:stack/shop-web/1',
    status: 'CREATE_COMPLETE',
    foundBy: 'imports',
    terminationProtection: false,
    ownsCluster: false,
    otherMatches: [],
    alsoOwns: [],
    imports: ['shop-env:VPCId'],
    from: ['shop-env']
  }
  const env: StackTarget = { ...importer, name: 'shop-env', foundBy: 'tag', importers: [importer] }

  it("takes any service of this cluster (already gone or not) and what belongs to one service as inside; another cluster's service and anything else as outside", () => {
    expect(r('AWS::ECS::Service', `${ARN}:service/shop/web`)).toBeUndefined()
    expect(r('AWS::Logs::LogGroup', '/ecs/web')).toBeUndefined()
    expect(r('AWS::ECS::Service', `${ARN}:service/shop-staging/web`)).toBe('service web (AWS::ECS::Service)')
    expect(r('AWS::S3::Bucket', 'shop-assets')).toBe('shop-assets (AWS::S3::Bucket)')
  })

  it("names another cluster's service as outside even when this cluster has a service of that name", () => {
    const withWeb = outsideCluster({ name: 'shop' }, [{ name: 'web', arn: `${ARN}:service/shop/web` }])
    const judged = (id: string) =>
      withWeb({ ResourceType: 'AWS::ECS::Service', PhysicalResourceId: id, LogicalResourceId: 'X' } as never)
    expect(judged(`${ARN}:service/shop/web`)).toBeUndefined()
    expect(judged(`${ARN}:service/shop-staging/web`)).toBe('service web (AWS::ECS::Service)')
  })

  it('refuses when an importer owns anything else, is nested, protected or busy, naming it and the export', () => {
    expect(stackRefusal(env)).toBeUndefined()
    const refuse = (i: Partial<ImportingStack>) =>
      stackRefusal({ ...env, importers: [{ ...importer, ...i }] })
    expect(refuse({ alsoOwns: ['db (AWS::RDS::DBInstance)'] })).toMatch(
      /^Stack shop-web imports shop-env:VPCId from shop-env, so it has to be deleted first, but it also owns what is not part of this environment: db \(AWS::RDS::DBInstance\)/
    )
    expect(refuse({ parent: 'arn:stack/root/1' })).toMatch(/nested in stack arn:stack\/root\/1/)
    expect(refuse({ terminationProtection: true })).toMatch(/termination protection/)
    expect(refuse({ status: 'UPDATE_IN_PROGRESS' })).toMatch(/is UPDATE_IN_PROGRESS/)
  })
})
