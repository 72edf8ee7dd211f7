#!/usr/bin/env node
// The newcomer's demo: a local AWS (moto), a preview environment in it, and the bundled action tearing
// it down exactly as a workflow step would, then proof that nothing is left. Run it with `npm run demo`
// (Node 24 from node_modules); `--help` lists the flags.
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { ensureMotoVenv, repoRoot, startMoto } from './lib/moto.mjs'
import {
  addServices,
  buildPreviewEnvironment,
  loadBalancerLeft,
  REGION,
  whatIsLeft
} from './lib/preview-env.mjs'
import { distEntry, runAction } from './lib/run-action.mjs'
import { bold, cyan, dim, green, logLine, red, summaryText, yellow } from './lib/terminal.mjs'

const USAGE = `usage: npm run demo -- [--dry-run-first] [--write-example] [--cluster NAME] [--shared] [--serve [--port N]]

  --dry-run-first   run the action with dry-run: true first and show its plan, then the real run
  --shared          a shared cluster with two pull requests' services (pr-42-*, pr-7-*): remove PR 42's
                    with the services input and show that PR 7, the instances and the cluster are untouched
  --write-example   write the real run's job summary, as the action wrote it, to docs/summary-example.md
  --cluster NAME    the preview cluster's name (default preview-pr-42)
  --serve           only build the environment and keep moto running (port 5000, or --port N) until
                    Ctrl-C: for 'npm run local-action' with .env.example in another terminal`

const args = process.argv.slice(2)
const flag = name => args.includes(name)
const option = name => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined)
if (flag('--help') || flag('-h')) {
  console.log(USAGE)
  process.exit(0)
}
const known = new Set(['--dry-run-first', '--write-example', '--cluster', '--shared', '--serve', '--port'])
const unknown = args.filter((a, i) => a.startsWith('-') && !known.has(a) && !known.has(args[i - 1] ?? ''))
if (unknown.length > 0) {
  console.error(`unknown option ${unknown.join(' ')}\n${USAGE}`)
  process.exit(2)
}
const shared = flag('--shared')
const clusterName = option('--cluster') ?? (shared ? 'shared-previews' : 'preview-pr-42')
const serve = flag('--serve')
const port = serve ? Number(option('--port') ?? 5000) : undefined

// What the real run is given. force: true stops every task at once, so the demo takes seconds; the
// default graceful mode would let the ECS scheduler drain for up to drain-timeout-minutes (10).
// delete-target-groups: true deletes the environment's listener rule and target group on the shared
// load balancer once the service is gone (by default they are only reported). With --shared, the
// services input removes one pull request's services and keeps the cluster.
const INPUTS = shared
  ? { cluster: clusterName, services: 'pr-42-*', force: 'true', 'timeout-minutes': '2' }
  : {
      cluster: clusterName,
      'delete-stack': 'true',
      'delete-target-groups': 'true',
      force: 'true',
      'timeout-minutes': '2'
    }

const started = Date.now()
const say = (text = '') => console.log(text)
const step = text => say(`\n${bold(cyan(`■ ${text}`))}`)
let moto
let actionCancel
let interrupted = false

// Ctrl-C: a running action is cancelled the way the runner cancels a job (SIGINT), and still reports;
// a second Ctrl-C, or one outside a run, stops moto and leaves.
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    if (!interrupted && actionCancel && signal === 'SIGINT') {
      interrupted = true
      say(yellow('\nCtrl-C: cancelling the action as the runner cancels a job; it still writes its summary.'))
      say(yellow('Press Ctrl-C again to stop at once.'))
      actionCancel.abort()
      return
    }
    say(yellow(`\n${signal}: stopping moto.`))
    const stopped = moto ? moto.stop() : Promise.resolve()
    void stopped.finally(() => process.exit(130))
  })
}

try {
  await main()
} catch (error) {
  console.error(red(`\ndemo failed: ${error instanceof Error ? error.stack : String(error)}`))
  if (moto) console.error(dim(`moto's log (last lines):\n${moto.log().split('\n').slice(-15).join('\n')}`))
  process.exitCode = 1
} finally {
  if (moto) {
    await moto.stop()
    say(dim(`\nmoto stopped. ${((Date.now() - started) / 1000).toFixed(1)} s in all.`))
  }
}

async function main() {
  step('A local AWS: moto')
  ensureMotoVenv(say)
  moto = await startMoto(port ? { port } : {})
  say(`moto_server (pid ${moto.pid}) answers on ${moto.endpoint}: ECS, EC2, CloudFormation, in ${REGION}.`)

  step(`A preview environment, as the console wizard and ecs-cli leave one: cluster ${clusterName}`)
  const env = await buildPreviewEnvironment(moto.endpoint, clusterName, { capacityProvider: !shared })
  say(`CloudFormation stack ${bold(env.stack.stackName)} (created first; it created the cluster)`)
  say(dim(`  ${env.stack.resources.join(', ')}`))
  say(`cluster ${bold(clusterName)}  ${dim(env.clusterArn)}`)
  if (env.capacityProvider)
    say(
      `  capacity providers ${bold(env.capacityProvider)} ${dim('(its own, on the stack’s Auto Scaling group; the default strategy)')} and FARGATE`
    )
  for (const ci of env.containerInstances)
    say(
      `  container instance on ${ci.ec2InstanceId}  ${dim('(EC2, launched by the stack’s Auto Scaling group)')}`
    )
  say(
    `  service ${bold('web')}, desiredCount 2, behind target group ${env.loadBalancer.targetGroupArn.split('/')[1]}`
  )
  say(
    `shared load balancer ${bold(env.loadBalancer.name)}: a listener rule and a target group for ${clusterName}, and for the neighbour ${env.loadBalancer.neighbour.name}`
  )
  for (const task of env.tasks) {
    const host = env.containerInstances.find(ci => ci.arn === task.containerInstanceArn)?.ec2InstanceId
    say(`    task ${task.id}  ${task.lastStatus}  ${task.group}  on ${host ?? '?'}`)
  }

  const prs = shared
    ? await addServices(moto.endpoint, env, {
        'pr-42-web': 2,
        'pr-42-worker': 1,
        'pr-7-web': 1,
        'pr-7-worker': 1
      })
    : []
  for (const service of prs) {
    say(
      `  service ${bold(service.name)}, desiredCount ${service.tasks.length}  ${dim('(a pull request’s preview)')}`
    )
    for (const task of service.tasks) say(`    task ${task.id}  ${task.lastStatus}  ${task.group}`)
  }

  if (serve) {
    say(`\n${bold('moto is serving')} on ${moto.endpoint} until Ctrl-C. In another terminal:`)
    say(`  npm run local-action      ${dim('(reads .env, else .env.example)')}`)
    if (port !== 5000)
      say(yellow(`  and set AWS_ENDPOINT_URL=${moto.endpoint} in .env (.env.example says port 5000)`))
    await new Promise(() => {})
  }

  if (flag('--dry-run-first')) {
    await runStep('The action, as a dry run first (dry-run: true): it reads and plans, and changes nothing', {
      ...INPUTS,
      'dry-run': 'true'
    })
    if (interrupted) return
  }
  const given = Object.entries(INPUTS).map(([name, value]) => `${name}: ${value}`)
  const why =
    'force: true stops every task at once (seconds); the default graceful mode lets the scheduler drain them for up to drain-timeout-minutes.'
  const last = await runStep(`The action: ${given.join(', ')}\n  ${dim(why)}`, INPUTS)
  if (flag('--write-example') && !interrupted) {
    mkdirSync(join(repoRoot, 'docs'), { recursive: true })
    writeFileSync(join(repoRoot, 'docs', 'summary-example.md'), last.summary)
    say(dim(`\nWrote the job summary as the action wrote it to docs/summary-example.md.`))
  }

  step('What is left in moto')
  const left = await whatIsLeft(moto.endpoint, env)
  if (shared) return showShared(left, prs, last)
  const row = (what, value, ok) => say(`  ${ok ? green('✓') : red('✗')} ${what.padEnd(31)} ${value}`)
  row('cluster', left.clusterStatus, left.clusterStatus === 'INACTIVE' || left.clusterStatus === 'MISSING')
  row(
    'services ACTIVE or DRAINING',
    left.services.length ? left.services.map(s => `${s.name} (${s.status})`).join(', ') : 'none',
    left.services.length === 0
  )
  row(
    'tasks still desired RUNNING',
    left.tasksDesiredRunning.length ? left.tasksDesiredRunning.join(', ') : 'none',
    left.tasksDesiredRunning.length === 0
  )
  row(
    'container instances registered',
    left.containerInstances.length ? left.containerInstances.map(c => c.id).join(', ') : 'none',
    left.containerInstances.length === 0
  )
  const providerGone = !left.capacityProvider || ['INACTIVE', 'MISSING'].includes(left.capacityProvider)
  if (left.capacityProvider)
    row(`capacity provider ${env.capacityProvider}`, left.capacityProvider, providerGone)
  const stackGone = left.stack.byId === 'DELETE_COMPLETE' && left.stack.byName === 'MISSING'
  const byName = left.stack.byName === 'MISSING' ? 'not found' : left.stack.byName
  row(
    'CloudFormation stack',
    `${env.stack.stackName}: ${left.stack.byId} by id, ${byName} by name`,
    stackGone
  )
  const ec2Gone = left.ec2Instances.every(i => i.state === 'terminated' || i.state === 'shutting-down')
  row('EC2 instances', left.ec2Instances.map(i => `${i.id} ${i.state}`).join(', '), ec2Gone)
  const alb = await loadBalancerLeft(moto.endpoint, env)
  const albGone = !alb.ownRule && !alb.ownTargetGroup
  row(
    'its rule and target group',
    alb.ownRule || alb.ownTargetGroup ? 'still on the load balancer' : 'deleted',
    albGone
  )
  const neighbourKept = alb.neighbourRule && alb.neighbourTargetGroup
  row(
    `${env.loadBalancer.neighbour.name}'s rule and group`,
    neighbourKept ? 'untouched' : 'missing',
    neighbourKept
  )

  const nothingLeft =
    (left.clusterStatus === 'INACTIVE' || left.clusterStatus === 'MISSING') &&
    left.services.length === 0 &&
    left.tasksDesiredRunning.length === 0 &&
    left.containerInstances.length === 0 &&
    providerGone &&
    stackGone &&
    ec2Gone &&
    albGone &&
    neighbourKept
  // The report lists the EC2 instances as they were when their container instances were deregistered;
  // the stack deletion that came after took them down with its Auto Scaling group.
  const reported = JSON.parse(last.outputs.report || '{"clusters":[]}')
    .clusters.flatMap(c => c.leftovers ?? [])
    .filter(l => l.kind === 'ec2-instance')
    .map(l => l.id)
  const terminated = left.ec2Instances.filter(i => reported.includes(i.id) && i.state === 'terminated')
  if (terminated.length > 0) {
    say(
      dim(
        `  (The summary lists ${terminated.map(i => i.id).join(', ')} as still billing: true when their container` +
          ' instances were deregistered; deleting the stack then terminated them with its Auto Scaling group.)'
      )
    )
  }
  if (nothingLeft) {
    say(
      green(
        bold(
          `\nNothing is left: the cluster, its service and tasks, ${env.capacityProvider ? 'its own capacity provider (FARGATE is AWS’s), ' : ''}its rule and target group, and the stack with its instances are gone; the neighbour on the shared load balancer is untouched.`
        )
      )
    )
    say(
      dim(
        '(moto still lists the INACTIVE service and the DELETE_COMPLETE stack by id, as AWS does for a while.)'
      )
    )
  } else {
    say(red(bold('\nSomething is left: see the ✗ lines above and the summary.')))
  }
  process.exitCode = interrupted ? 130 : last.code !== 0 || !nothingLeft ? 1 : 0
}

/** Shared cluster: PR 42's services are gone; PR 7, `web`, the job, the instances and the cluster are not. */
function showShared(left, prs, last) {
  const row = (what, value, ok) => say(`  ${ok ? green('✓') : red('✗')} ${what.padEnd(31)} ${value}`)
  const active = new Set(left.services.map(s => s.name))
  const running = new Set(left.tasksDesiredRunning)
  const gone = prs.filter(p => p.name.startsWith('pr-42-'))
  const kept = prs.filter(p => !p.name.startsWith('pr-42-'))
  const goneOk = gone.every(p => !active.has(p.name) && p.tasks.every(t => !running.has(t.id)))
  const keptOk = kept.every(p => active.has(p.name) && p.tasks.every(t => running.has(t.id)))
  row('cluster', left.clusterStatus, left.clusterStatus === 'ACTIVE')
  row('PR 42 services and tasks', goneOk ? 'gone' : 'still there', goneOk)
  row(
    'PR 7 services and tasks',
    kept.map(p => `${p.name} (${p.tasks.length} task(s) running)`).join(', '),
    keptOk
  )
  row('service web', active.has('web') ? 'ACTIVE' : 'gone', active.has('web'))
  row(
    'container instances registered',
    String(left.containerInstances.length),
    left.containerInstances.length === 2
  )
  const ok =
    goneOk &&
    keptOk &&
    left.clusterStatus === 'ACTIVE' &&
    active.has('web') &&
    left.containerInstances.length === 2
  say(
    ok
      ? green(
          bold(
            '\nPR 42 is gone; PR 7, the other service, the instances and the cluster are exactly as they were.'
          )
        )
      : red(bold('\nSomething is wrong: see the ✗ lines above and the summary.'))
  )
  process.exitCode = interrupted ? 130 : last.code !== 0 || !ok ? 1 : 0
}

async function runStep(title, inputs) {
  step(title)
  say(dim(`node ${distEntry.replace(repoRoot, '')} on Node 24, INPUT_* from action.yml and the inputs above`))
  say(dim('── the action’s log ──'))
  actionCancel = new AbortController()
  const result = await runAction({
    endpoint: moto.endpoint,
    inputs,
    signal: actionCancel.signal,
    onLine: line => {
      const shown = logLine(line)
      if (shown !== undefined) say(`${dim('│')} ${shown}`)
    }
  }).finally(() => (actionCancel = undefined))
  const verdict = result.code === 0 ? green('succeeded') : red(`failed (exit code ${result.code})`)
  say(dim('── end of log ──'))
  say(`The step ${verdict} in ${(result.durationMs / 1000).toFixed(1)} s.`)

  say(`\n${bold('Outputs')} ${dim('(GITHUB_OUTPUT)')}`)
  for (const [name, value] of Object.entries(result.outputs)) {
    say(`  ${name.padEnd(34)} ${name === 'report' ? dim(`JSON, ${value.length} characters`) : value}`)
  }
  say(
    `\n${bold('Job summary')} ${dim('(GITHUB_STEP_SUMMARY, as text; on GitHub it is the run page’s summary)')}`
  )
  say(dim('┄'.repeat(100)))
  say(result.summary.trim() ? summaryText(result.summary) : yellow('(empty)'))
  say(dim('┄'.repeat(100)))
  return result
}
