import { describe, expect, it } from '@jest/globals'
import { criticalPath, minimumCalls, resourcesOf, sumCalls, type Model } from '../../bench/critical-path.js'

// The benchmark divides measured wall time and calls by these two numbers, so they are checked here
// against values worked out by hand, not against the code's own output.

const model: Model = {
  latencyMs: 50,
  schedulerDelayMs: 1_000,
  stopTimeMs: 30_000,
  drainDelayMs: 60_000,
  maxConcurrency: 10,
  // Written out from AWS's table rather than imported, so a change to the simulator's table cannot
  // silently change the expected numbers.
  buckets: [
    {
      category: 'Cluster read',
      operations: ['DescribeClusters', 'ListClusters'],
      burst: 50,
      refillPerSecond: 20
    },
    { category: 'Cluster modify', operations: ['DeleteCluster'], burst: 20, refillPerSecond: 1 },
    {
      category: 'Cluster resource modify',
      operations: ['DeregisterContainerInstance', 'StopTask'],
      burst: 100,
      refillPerSecond: 40
    },
    {
      category: 'Cluster resource read',
      operations: ['DescribeContainerInstances', 'DescribeTasks', 'ListContainerInstances', 'ListTasks'],
      burst: 100,
      refillPerSecond: 20
    },
    {
      category: 'Service modify',
      operations: ['DeleteService', 'UpdateService'],
      burst: 50,
      refillPerSecond: 5
    },
    {
      category: 'Service read',
      operations: ['DescribeServices', 'ListServices'],
      burst: 100,
      refillPerSecond: 20
    }
  ]
}

describe('benchmark: minimum calls and critical path, against hand-worked numbers', () => {
  it('small: 3 services × 2 tasks on 2 container instances, behind one load balancer', () => {
    const scenario = {
      name: 'small',
      clusters: 1,
      workload: {
        services: 3,
        tasksPerService: 2,
        containerInstances: 2,
        standaloneTasks: 0,
        servicesPerLoadBalancer: 50
      }
    }
    // Minimum calls, by hand:
    //   DescribeClusters 2 (inventory, final look) + ListServices 1 + DescribeServices 2 (one batch
    //   of 10 for the inventory, one look for INACTIVE) + ListTasks 2 (one RUNNING page, one STOPPED
    //   page) + DescribeTasks 2 (inventory, one look for STOPPED) + ListContainerInstances 1 +
    //   DescribeContainerInstances 1 + DeleteService 3 + DeregisterContainerInstance 2 +
    //   DeleteCluster 1 = 17; and for the load balancer: DescribeTargetGroups 1 (3 groups, 20 a
    //   call) + DescribeListeners 1 + DescribeRules 1 (3 rules and the default one) = 20; and for
    //   ECS as it runs today: DescribeCapacityProviders 1 (with cluster) + ListGatewayClusterAssociations
    //   1 + GetTaskProtection 1 (6 service tasks, 100 a call) = 23.
    expect(sumCalls(minimumCalls(scenario.workload))).toBe(23)
    // Resources: 3 services + 6 tasks + 2 instances + 1 cluster = 12.
    expect(resourcesOf(scenario)).toBe(12)
    // Critical path, by hand (L = 50 ms, at most 10 calls in flight, no bucket near empty):
    //   DescribeClusters                         50
    //   ListServices, one page                   50   → 100
    //   DescribeServices, one batch              50   → 150
    //   DeleteService × 3, one round             50   → 200
    //   scheduler delay                       1 000   → 1 200
    //   load-balancer drain (DEACTIVATING)   60 000   → 61 200
    //   task stop time                       30 000   → 91 200
    //   DeregisterContainerInstance              50   → 91 250
    //   DeleteCluster                            50   → 91 300
    //   DescribeClusters (INACTIVE)              50   → 91 350 ms
    // The services chain skips the deregistration: 91 300 ms.
    const cp = criticalPath(scenario, model)
    expect(cp.ms).toBe(91_350)
    expect(cp.binding).toBe('instances')
    expect(cp.chains.services).toBe(91_300)
    expect(cp.chains.throughput).toBe((23 * 50) / 10)
  })

  it('small without a load balancer: no drain, and no Elastic Load Balancing call', () => {
    const workload = { services: 3, tasksPerService: 2, containerInstances: 2, standaloneTasks: 0 }
    expect(sumCalls(minimumCalls(workload))).toBe(20)
    expect(minimumCalls(workload).DescribeTargetGroups).toBeUndefined()
    // 200 + scheduler 1 000 + stop 30 000 = 31 200; + deregister 50 + 100 = 31 350 ms.
    const cp = criticalPath({ name: 'small', clusters: 1, workload }, model)
    expect(cp.ms).toBe(31_350)
    expect(cp.chains.services).toBe(31_300)
  })

  it('large: 300 services, where the Service modify bucket sets the pace', () => {
    const scenario = {
      name: 'large',
      clusters: 1,
      workload: {
        services: 300,
        tasksPerService: 3,
        containerInstances: 50,
        standaloneTasks: 0,
        servicesPerLoadBalancer: 50
      }
    }
    // Load balancers: 300 / 50 = 6, one listener each: DescribeTargetGroups 15 (20 a call),
    // DescribeListeners 6, DescribeRules 6 (51 rules a listener, 400 a page).
    const min = minimumCalls(scenario.workload)
    expect([min.DescribeTargetGroups, min.DescribeListeners, min.DescribeRules]).toEqual([15, 6, 6])
    // Critical path, by hand: 300 DeleteService calls from a bucket of 50 refilled at 5/s, so the
    // 300th cannot be made before (300 - 50) / 5 = 50 s; it answers 50 ms later, at 50 050 ms.
    // (The Pool alone would allow it by DescribeClusters 50 + 3 ListServices pages 150 + 30
    // DescribeServices batches in 3 rounds 150 + 300 DeleteService in 30 rounds 1 500 = 1 850 ms.)
    //   50 050 + scheduler 1 000 + drain 60 000 + stop 30 000 + DeregisterContainerInstance 50
    //   + DeleteCluster 50 + DescribeClusters 50 = 141 200 ms.
    const cp = criticalPath(scenario, model)
    expect(cp.ms).toBe(141_200)
    expect(cp.binding).toBe('instances')
    expect(cp.chains['bucket Service modify']).toBe(50_050)
  })
})
