#!/usr/bin/env node
// The steps of CI's self-test job (.github/workflows/ci.yml, job `self-test`), and the same job run
// locally with @github/local-action against a moto server this script starts:
//   node scripts/self-test.mjs create CLUSTER ENV_FILE   build the environment in moto (AWS_ENDPOINT_URL)
//   node scripts/self-test.mjs check ENV_FILE            check OUTPUTS (JSON of the step's outputs) and moto
//   node scripts/self-test.mjs local                     the whole job here: moto, create, local-action, check
// `local` takes the action step's inputs and the job's environment from ci.yml itself, so the job and
// this run cannot drift apart. It needs `npm ci` and `bash scripts/moto-venv.sh` first.
import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startMoto, repoRoot } from './lib/moto.mjs'
import { buildPreviewEnvironment, whatIsLeft } from './lib/preview-env.mjs'
import { parseOutputFile } from './lib/run-action.mjs'
import { runnerStepEnvironment } from './lib/runner-env.mjs'
import { leftoverProblems, outputProblems, selfTestJob } from './lib/self-test.mjs'

const endpointOf = env => {
  const endpoint = env.AWS_ENDPOINT_URL
  if (!endpoint) throw new Error('AWS_ENDPOINT_URL is not set: this script only ever talks to moto')
  return endpoint
}

async function create(clusterName, envFile, env = process.env) {
  const built = await buildPreviewEnvironment(endpointOf(env), clusterName)
  writeFileSync(envFile, JSON.stringify(built, null, 2))
  console.log(
    `Built ${clusterName}: stack ${built.stack.stackName}, 1 service, ${built.tasks.length} tasks, ` +
      `${built.containerInstances.length} container instances`
  )
}

async function check(envFile, outputs, env = process.env) {
  const built = JSON.parse(readFileSync(envFile, 'utf8'))
  const left = await whatIsLeft(endpointOf(env), built)
  const problems = [...outputProblems(outputs, built), ...leftoverProblems(left, built)]
  if (problems.length > 0) throw new Error(`self-test failed:\n- ${problems.join('\n- ')}`)
  console.log(
    `Self-test passed: ${outputs['services-deleted']} service, ${outputs['tasks-stopped']} tasks, ` +
      `${outputs['container-instances-deregistered']} container instances, the stack and the cluster removed; ` +
      `report-file ${outputs['report-file']} holds the report; nothing is left in moto.`
  )
}

function runProcess(command, args, env) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: repoRoot, env, stdio: 'inherit' })
    child.once('error', reject)
    child.once('exit', code => (code === 0 ? resolve() : reject(new Error(`${command} exited with ${code}`))))
  })
}

async function local() {
  const { env: jobEnv, inputs } = selfTestJob(
    readFileSync(join(repoRoot, '.github/workflows/ci.yml'), 'utf8')
  )
  const moto = await startMoto()
  const work = mkdtempSync(join(tmpdir(), 'self-test-'))
  try {
    // A runner step's environment built from nothing (never this process's own: run inside a GitHub
    // job, that would hand the action the job's GITHUB_RUN_ID and GITHUB_STEP_SUMMARY), then the job's
    // environment pointed at this moto. Run id 'local', as `${{ github.run_id }}` expands here.
    const bin = join(repoRoot, 'node_modules', '.bin')
    const step = runnerStepEnvironment({
      work,
      workspace: repoRoot,
      pathPrefix: bin,
      name: 'self-test',
      runId: 'local'
    })
    const env = { ...step.env, ...jobEnv, AWS_ENDPOINT_URL: moto.endpoint }
    const envFile = join(work, 'self-test-env.json')
    console.log(`== Build a preview environment (${env.SELF_TEST_CLUSTER}) in moto at ${moto.endpoint}`)
    await create(env.SELF_TEST_CLUSTER, envFile, env)

    console.log('== Tear it down with the action itself (@github/local-action, src/local.ts)')
    const dotenv = Object.entries({
      ...env,
      ...Object.fromEntries(Object.entries(inputs).map(([k, v]) => [`INPUT_${k.toUpperCase()}`, v]))
    })
      .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
      .join('\n')
    writeFileSync(join(work, '.env'), `${dotenv}\n`)
    await runProcess(join(bin, 'local-action'), ['run', '.', 'src/local.ts', join(work, '.env')], env)

    console.log('== Check the outputs, the report file, and that nothing is left')
    await check(envFile, parseOutputFile(readFileSync(step.files.output, 'utf8')), env)
  } finally {
    await moto.stop()
    rmSync(work, { recursive: true, force: true })
  }
}

const [command, ...args] = process.argv.slice(2)
try {
  if (command === 'create' && args.length === 2) await create(args[0], args[1])
  else if (command === 'check' && args.length === 1)
    await check(args[0], JSON.parse(process.env.OUTPUTS ?? '{}'))
  else if (command === 'local' && args.length === 0) await local()
  else {
    console.error('usage: node scripts/self-test.mjs create CLUSTER ENV_FILE | check ENV_FILE | local')
    process.exitCode = 2
  }
} catch (error) {
  console.error(error instanceof Error ? error.message : String(error))
  process.exitCode = 1
}
