// End to end: EventBridge Scheduler schedules and rules on a custom event bus that start tasks on
// the cluster (issue 12, part 4), the built action against a real moto server. moto stores
// schedules but never runs them (MOTO-NOTES.md); that they stop starting tasks is tested on the
// simulators.
import {
  CreateEventBusCommand,
  EventBridgeClient,
  ListTargetsByRuleCommand,
  PutRuleCommand,
  PutTargetsCommand
} from '@aws-sdk/client-eventbridge'
import {
  CreateScheduleCommand,
  CreateScheduleGroupCommand,
  GetScheduleCommand,
  SchedulerClient
} from '@aws-sdk/client-scheduler'
import { expect, it } from '@jest/globals'
import { awsConfig, buildPreviewEnvironment } from './support/fixtures.js'
import { runAction } from './support/runAction.js'
import { describeAgainstMoto } from './support/suite.js'
import { clusterReport } from './support/report.js'

const TIMEOUT_MS = 300_000
const small = { services: { web: 1 }, standaloneTasks: 0, instances: 1, capacityProviders: [] }
const ROLE = 'arn:aws:iam::123456789012:role/scheduler-ecs'

describeAgainstMoto(
  'schedules and custom event buses, end to end (dist/index.js against moto)',
  moto => {
    it(
      'deletes the cluster’s schedules in every group, templated or universal, removes its target from a custom bus’s rule, and keeps the neighbour’s schedule; disable turns them off whole',
      async () => {
        const cluster = `x9-sched-${process.pid}`
        const env = await buildPreviewEnvironment(moto().endpoint, cluster, small)
        const scheduler = new SchedulerClient(awsConfig(moto().endpoint))
        const events = new EventBridgeClient(awsConfig(moto().endpoint))
        const group = `${cluster}-group`
        await scheduler.send(new CreateScheduleGroupCommand({ Name: group }))
        const ecsTarget = (clusterArn: string) => ({
          Arn: clusterArn,
          RoleArn: ROLE,
          EcsParameters: { TaskDefinitionArn: env.taskDefinitionArn, TaskCount: 1 }
        })
        const schedule = (name: string, target: object, groupName?: string) =>
          scheduler.send(
            new CreateScheduleCommand({
              Name: name,
              ...(groupName ? { GroupName: groupName } : {}),
              ScheduleExpression: 'rate(5 minutes)',
              FlexibleTimeWindow: { Mode: 'OFF' },
              Description: `starts ${name}`,
              Target: target as never
            })
          )
        await schedule(`${cluster}-default`, ecsTarget(env.clusterArn))
        await schedule(`${cluster}-grouped`, ecsTarget(env.clusterArn), group)
        await schedule(`${cluster}-universal`, {
          Arn: 'arn:aws:scheduler:::aws-sdk:ecs:runTask',
          RoleArn: ROLE,
          Input: JSON.stringify({ Cluster: cluster, TaskDefinition: env.taskDefinitionArn })
        })
        const neighbourArn = env.clusterArn.replace(cluster, `${cluster}-neighbour`)
        await schedule(`${cluster}-neighbour`, ecsTarget(neighbourArn))
        const bus = `${cluster}-bus`
        await events.send(new CreateEventBusCommand({ Name: bus }))
        await events.send(
          new PutRuleCommand({
            Name: `${cluster}-on-bus`,
            EventBusName: bus,
            EventPattern: '{"source":["x"]}'
          })
        )
        await events.send(
          new PutTargetsCommand({
            Rule: `${cluster}-on-bus`,
            EventBusName: bus,
            Targets: [
              {
                Id: 'run',
                Arn: env.clusterArn,
                RoleArn: ROLE,
                EcsParameters: { TaskDefinitionArn: env.taskDefinitionArn }
              }
            ]
          })
        )

        const result = await runAction({
          endpoint: moto().endpoint,
          inputs: { cluster, force: 'true', 'timeout-minutes': '5' }
        })
        const c = clusterReport(result)
        expect(c.outcome).toBe('deleted')
        expect(c.related?.schedules.map(s => `${s.group}/${s.name}:${s.action}`).sort()).toEqual([
          `default/${cluster}-default:deleted`,
          `default/${cluster}-universal:deleted`,
          `${group}/${cluster}-grouped:deleted`
        ])
        expect(c.related?.triggers).toEqual([
          { rule: `${cluster}-on-bus`, bus, targets: ['run'], action: 'targets-removed' }
        ])
        const gone = (name: string, groupName?: string) =>
          expect(
            scheduler.send(
              new GetScheduleCommand({ Name: name, ...(groupName ? { GroupName: groupName } : {}) })
            )
          ).rejects.toMatchObject({ name: 'ResourceNotFoundException' })
        await gone(`${cluster}-default`)
        await gone(`${cluster}-grouped`, group)
        await gone(`${cluster}-universal`)
        expect((await scheduler.send(new GetScheduleCommand({ Name: `${cluster}-neighbour` }))).State).toBe(
          'ENABLED'
        )
        const left = await events.send(
          new ListTargetsByRuleCommand({ Rule: `${cluster}-on-bus`, EventBusName: bus })
        )
        expect(left.Targets).toEqual([])
        const deleting = result.stdout.indexOf('Deleting service web')
        expect(deleting).toBeGreaterThan(0)
        expect(result.stdout.indexOf('Deleted EventBridge Scheduler schedule')).toBeLessThan(deleting)

        const second = `x9-sched-off-${process.pid}`
        const env2 = await buildPreviewEnvironment(moto().endpoint, second, small)
        await schedule(`${second}-grouped`, ecsTarget(env2.clusterArn), group)
        const disabled = await runAction({
          endpoint: moto().endpoint,
          inputs: { cluster: second, force: 'true', triggers: 'disable', 'timeout-minutes': '5' }
        })
        expect(clusterReport(disabled).related?.schedules).toEqual([
          { name: `${second}-grouped`, group, action: 'disabled' }
        ])
        const off = await scheduler.send(
          new GetScheduleCommand({ Name: `${second}-grouped`, GroupName: group })
        )
        expect(off).toMatchObject({
          State: 'DISABLED',
          Description: `starts ${second}-grouped`,
          Target: { Arn: env2.clusterArn, EcsParameters: { TaskDefinitionArn: env.taskDefinitionArn } }
        })
      },
      TIMEOUT_MS
    )
  },
  { resetEach: true }
)
