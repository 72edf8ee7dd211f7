// Starts and stops a real moto server (the Python AWS emulator) for the e2e tests.
// The server comes from the repo's .venv, made by scripts/moto-venv.sh.
import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync } from 'node:fs'
import { createServer } from 'node:net'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

export const repoRoot = fileURLToPath(new URL('../../../', import.meta.url))
export const motoServerBin = join(repoRoot, '.venv', 'bin', 'moto_server')

export interface MotoServer {
  /** e.g. http://127.0.0.1:41234 */
  endpoint: string
  /** The moto_server process id (for diagnostics). */
  pid: number
  /** The server's combined stdout/stderr so far (last 20,000 characters). */
  log(): string
  /** Stops the server and waits for it to exit. Safe to call twice. */
  stop(): Promise<void>
}

export interface StartOptions {
  /** How long to wait for the server to answer. Default 30 s. */
  readyTimeoutMs?: number
}

const LOG_LIMIT = 20_000

/** Starts `moto_server -H 127.0.0.1 -p PORT` on a free loopback port and waits until it answers. */
export async function startMoto(options: StartOptions = {}): Promise<MotoServer> {
  if (!existsSync(motoServerBin)) {
    throw new Error(
      `moto server not found at ${motoServerBin}. Create it first with: bash scripts/moto-venv.sh (from the repo root)`
    )
  }
  // A port found free can be taken by someone else before moto binds it: try a few times.
  let lastError: unknown
  for (let attempt = 1; attempt <= 3; attempt++) {
    const port = await freeLoopbackPort()
    try {
      return await startOn(port, options.readyTimeoutMs ?? 30_000)
    } catch (error) {
      lastError = error
      if (!(error instanceof PortInUseError)) throw error
    }
  }
  throw lastError
}

/** Clears all of moto's state (every service, every region): POST /moto-api/reset. */
export async function reset(endpoint: string): Promise<void> {
  const response = await fetch(`${endpoint}/moto-api/reset`, { method: 'POST' })
  const body = await response.text()
  if (!response.ok) throw new Error(`moto reset failed: HTTP ${response.status} ${body.slice(0, 200)}`)
}

class PortInUseError extends Error {}

async function startOn(port: number, readyTimeoutMs: number): Promise<MotoServer> {
  const endpoint = `http://127.0.0.1:${port}`
  const child = spawn(motoServerBin, ['-H', '127.0.0.1', '-p', String(port)], {
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: process.env.HOME ?? '/tmp',
      PYTHONUNBUFFERED: '1'
    }
  })
  let output = ''
  const collect = (chunk: Buffer): void => {
    output = (output + chunk.toString('utf8')).slice(-LOG_LIMIT)
  }
  child.stdout?.on('data', collect)
  child.stderr?.on('data', collect)
  const exited = new Promise<void>(resolve => child.once('exit', () => resolve()))
  let spawnError: Error | undefined
  child.once('error', error => (spawnError = error))

  const deadline = Date.now() + readyTimeoutMs
  for (;;) {
    if (spawnError) throw new Error(`could not start ${motoServerBin}: ${spawnError.message}`)
    if (child.exitCode !== null || child.signalCode !== null) {
      const message = `moto_server exited (code ${child.exitCode}, signal ${child.signalCode}) before answering on ${endpoint}:\n${output}`
      if (/address already in use/i.test(output)) throw new PortInUseError(message)
      throw new Error(message)
    }
    if (await answers(endpoint)) break
    if (Date.now() > deadline) {
      await stopProcess(child, exited)
      throw new Error(`moto_server did not answer on ${endpoint} within ${readyTimeoutMs} ms:\n${output}`)
    }
    await sleep(100)
  }

  let stopping: Promise<void> | undefined
  return {
    endpoint,
    pid: child.pid ?? -1,
    log: () => output,
    stop: () => (stopping ??= stopProcess(child, exited))
  }
}

async function answers(endpoint: string): Promise<boolean> {
  try {
    const response = await fetch(`${endpoint}/moto-api/`, { signal: AbortSignal.timeout(1_000) })
    await response.arrayBuffer()
    return response.status < 500
  } catch {
    return false
  }
}

async function stopProcess(child: ChildProcess, exited: Promise<void>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return
  child.kill('SIGTERM')
  const timer = setTimeout(() => child.kill('SIGKILL'), 5_000)
  await exited
  clearTimeout(timer)
}

function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.unref()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      const port = typeof address === 'object' && address ? address.port : 0
      server.close(() => (port ? resolve(port) : reject(new Error('no free port'))))
    })
  })
}

function sleep(ms: number): Promise<void> {
  return new Promise(resolve => setTimeout(resolve, ms))
}
