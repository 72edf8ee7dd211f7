import type { AwsClients } from '../../src/aws/clients.js'
import { AutoScalingSim } from './autoscaling-sim.js'
import { CfnSim } from './cfn-sim.js'
import { CloudWatchSim } from './cloudwatch-sim.js'
import { CloudMapSim } from './cloudmap-sim.js'
import { Ec2AutoScalingSim } from './ec2-autoscaling-sim.js'
import { Ec2Sim } from './ec2-sim.js'
import { EcsSim } from './ecs-sim.js'
import { ElbV2Sim } from './elbv2-sim.js'
import { EventsSim } from './events-sim.js'
import { LogsSim } from './logs-sim.js'
import type { ServiceSim } from './service-sim.js'
import { SchedulerSim } from './scheduler-sim.js'
import { SsmSim } from './ssm-sim.js'

/**
 * One account and Region: the EcsSim and the simulators of every service around it, on one
 * virtual clock and linked where AWS links them (a schedule starts ECS tasks, a stack's deletion
 * terminates its Auto Scaling group's EC2 instances, ECS container instances are EC2 or managed
 * instances, a load balancer's targets are a service's tasks, a scaling action sets a service's
 * desired count).
 */
export class SimWorld {
  readonly cfn: CfnSim
  readonly events: EventsSim
  readonly scheduler: SchedulerSim
  readonly logs: LogsSim
  readonly ec2: Ec2Sim
  readonly ssm: SsmSim
  readonly cloudMap: CloudMapSim
  readonly elbv2: ElbV2Sim
  readonly cloudwatch: CloudWatchSim
  readonly autoscaling: AutoScalingSim
  /** EC2 Auto Scaling (groups of EC2 instances), on the Ec2Sim's groups; `autoscaling` is Application Auto Scaling. */
  readonly ec2AutoScaling: Ec2AutoScalingSim

  constructor(
    readonly ecs: EcsSim = new EcsSim(),
    /** Elastic Load Balancing's answer time (the benchmark's model); 0 by default, as the others. */
    options: { elbv2LatencyMs?: number } = {}
  ) {
    this.cfn = new CfnSim(ecs)
    this.events = new EventsSim(ecs)
    this.scheduler = new SchedulerSim(ecs)
    this.logs = new LogsSim(ecs)
    this.ec2 = new Ec2Sim(ecs)
    this.ssm = new SsmSim(ecs)
    this.cloudMap = new CloudMapSim(ecs)
    this.elbv2 = new ElbV2Sim(ecs, { latencyMs: options.elbv2LatencyMs ?? 0 })
    this.cloudwatch = new CloudWatchSim(ecs)
    this.autoscaling = new AutoScalingSim(ecs, this.cloudwatch)
    this.ec2AutoScaling = new Ec2AutoScalingSim(this.ec2)
    this.ec2.watchStacks(this.cfn)
  }

  clients(): AwsClients {
    return {
      ecs: this.ecs.client,
      cloudformation: this.cfn.client,
      events: this.events.client,
      scheduler: this.scheduler.client,
      logs: this.logs.client,
      ec2: this.ec2.client,
      ssm: this.ssm.client,
      servicediscovery: this.cloudMap.client,
      elbv2: this.elbv2.client,
      autoscaling: this.autoscaling.client,
      cloudwatch: this.cloudwatch.client,
      ec2AutoScaling: this.ec2AutoScaling.client
    }
  }

  /** The simulators of the services around ECS (CloudFormation aside: it is not a ServiceSim). */
  aroundEcs(): ServiceSim[] {
    return [
      this.events,
      this.scheduler,
      this.logs,
      this.ec2,
      this.ssm,
      this.cloudMap,
      this.elbv2,
      this.cloudwatch,
      this.autoscaling,
      this.ec2AutoScaling
    ]
  }

  /** Every call that changed something, in any service: a dry run must make none. */
  mutatingCalls(): string[] {
    return [
      ...this.ecs.mutatingCalls(),
      ...this.cfn.mutatingCalls(),
      ...this.aroundEcs().flatMap(s => s.mutatingCalls())
    ]
  }
}
