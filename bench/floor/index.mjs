// The start-up floor of `npm run bench`: the smallest action that does what a no-op run of
// ecs-teardown does (read the cluster input, one DescribeClusters, set an output), bundled by ncc
// the same way. Its start-up is what @actions/core, the ECS client and Node cost by themselves.
import * as core from '@actions/core'
import { DescribeClustersCommand, ECSClient } from '@aws-sdk/client-ecs'

const cluster = core.getInput('cluster', { required: true })
const client = new ECSClient({ region: process.env.AWS_REGION })
const out = await client.send(new DescribeClustersCommand({ clusters: [cluster] }))
core.setOutput('outcome', out.clusters?.[0]?.status === 'ACTIVE' ? 'present' : 'absent')
