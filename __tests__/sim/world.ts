import type { AwsClients } from '../../src/aws/clients.js'
import { AutoScalingSim } from './autoscaling-sim.js'
import { CfnSim } from './cfn-sim.js'
import { CloudWatchSim } from './cloudwatch-sim.js'
import { CloudMapSim } from './cloudmap-sim.js'
import { CodeDeploySim } from './codedeploy-sim.js'
import { Ec2AutoScalingSim } from './ec2-autoscaling-sim.js'
import { Ec2Sim } from './ec2-sim.js'
import { EcsSim, type SimService } from './ecs-sim.js'
import { ElbV2Sim, type SimLoadBalancer } from './elbv2-sim.js'
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
  readonly codedeploy: CodeDeploySim
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
    this.codedeploy = new CodeDeploySim(ecs)
    this.ec2AutoScaling = new Ec2AutoScalingSim(this.ec2)
    this.ec2.watchStacks(this.cfn)
    ecs.onExpressInfrastructureRemoved = s => this.removeExpressInfrastructure(s)
  }

  /**
   * An Express service as CreateExpressGatewayService makes one (ECS API model): ECS provisions an
   * Application Load Balancer (or shares `loadBalancer`, one another Express service already uses),
   * a listener, a listener rule for the service, a target group, security groups and a scalable
   * target with a target-tracking policy; they are the service revision's `ecsManagedResources`,
   * and DeleteExpressGatewayService removes them once the service is INACTIVE.
   */
  createExpressService(
    cluster: string,
    name: string,
    opts: { loadBalancer?: SimLoadBalancer; desiredCount?: number } = {}
  ): { service: SimService; loadBalancer: SimLoadBalancer; targetGroupArn: string; ruleArn: string } {
    const loadBalancer = opts.loadBalancer ?? this.elbv2.createLoadBalancer(`ecs-express-gateway-alb-${name}`)
    const listener =
      [...this.elbv2.listeners.values()].find(l => l.loadBalancerArn === loadBalancer.arn) ??
      this.elbv2.createListener(loadBalancer.arn, 443)
    const group = this.elbv2.createTargetGroup(`ecs-gateway-tg-${name}`.slice(0, 32), 80, 300)
    const rule = this.elbv2.createRule(
      listener.arn,
      this.elbv2.rulesOf(listener.arn).length,
      `${name}.ecs.${this.ecs.options.region}.on.aws`,
      group.arn
    )
    const resourceId = AutoScalingSim.resourceId(cluster, name)
    this.autoscaling.registerTarget(resourceId, 1, 20)
    const policy = this.autoscaling.putTargetTrackingPolicy(resourceId, `${name}-cpu`)
    const sg = `arn:aws:ec2:${this.ecs.options.region}:123456789012:security-group/sg-${name.padEnd(17, '0').slice(0, 17)}`
    const service = this.ecs.createExpressService(cluster, name, {
      desiredCount: opts.desiredCount ?? 1,
      loadBalancers: [{ targetGroupArn: group.arn, containerName: 'Main', containerPort: 80 }],
      managed: {
        ingressPaths: [
          {
            accessType: 'PUBLIC',
            endpoint: `https://${name}.ecs.${this.ecs.options.region}.on.aws`,
            loadBalancer: { arn: loadBalancer.arn, status: 'ACTIVE' },
            loadBalancerSecurityGroups: [{ arn: `${sg}-lb`, status: 'ACTIVE' }],
            listener: { arn: listener.arn, status: 'ACTIVE' },
            rule: { arn: rule.arn, status: 'ACTIVE' },
            targetGroups: [{ arn: group.arn, status: 'ACTIVE' }]
          }
        ],
        autoScaling: {
          scalableTarget: { arn: resourceId, status: 'ACTIVE' },
          applicationAutoScalingPolicies: [{ arn: policy.arn, status: 'ACTIVE' }]
        },
        serviceSecurityGroups: [{ arn: sg, status: 'ACTIVE' }]
      }
    })
    return { service, loadBalancer, targetGroupArn: group.arn, ruleArn: rule.arn }
  }

  /** What ECS removes with an Express service: its rule, target group and scaling; the load balancer once no Express service uses it. */
  private removeExpressInfrastructure(s: SimService): void {
    for (const ref of s.loadBalancers) {
      for (const rule of [...this.elbv2.rules.values()])
        if (JSON.stringify(rule.actions).includes(ref.targetGroupArn)) this.elbv2.rules.delete(rule.arn)
      this.elbv2.targetGroups.delete(ref.targetGroupArn)
    }
    const resourceId = AutoScalingSim.resourceId(this.ecs.clusters.get(s.clusterArn)!.name, s.name)
    this.autoscaling.targets.delete(resourceId)
    for (const p of [...this.autoscaling.policies.values()])
      if (p.resourceId === resourceId) {
        this.autoscaling.policies.delete(p.arn)
        for (const alarm of p.alarms) this.cloudwatch.alarms.delete(alarm)
      }
    const managed = s.express?.managed as { ingressPaths?: { loadBalancer?: { arn: string } }[] }
    for (const path of managed.ingressPaths ?? []) {
      const lb = path.loadBalancer?.arn
      if (!lb) continue
      const stillUsed = [...this.ecs.services.values()].some(
        o =>
          o !== s &&
          o.express &&
          !o.express.infrastructureRemoved &&
          JSON.stringify(o.express.managed).includes(lb)
      )
      if (stillUsed) continue
      for (const l of [...this.elbv2.listeners.values()])
        if (l.loadBalancerArn === lb) {
          for (const r of this.elbv2.rulesOf(l.arn)) this.elbv2.rules.delete(r.arn)
          this.elbv2.listeners.delete(l.arn)
        }
      this.elbv2.loadBalancers.delete(lb)
    }
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
      codedeploy: this.codedeploy.client,
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
      this.codedeploy,
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
