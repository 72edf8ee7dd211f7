// Starts and stops a local moto server (the Python AWS emulator) for the demo and for local-action runs.
// The same logic as __tests__/e2e/support/moto.ts, in plain JavaScript so that a fresh clone runs it
// with `node` and no build step; the venv comes from scripts/moto-venv.sh.
import { spawn, spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { createServer } from 'node:net'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

export const repoRoot = fileURLToPath(new URL('../../', import.meta.url))
export const motoServerBin = join(repoRoot, '.venv', 'bin', 'moto_server')

const LOG_LIMIT = 20_000

/** Creates .venv with the pinned moto when it is missing (pip, so it needs Python 3 and the registry). */
export function ensureMotoVenv(say = console.log) {
  if (existsSync(motoServerBin)) return
  say('moto is not installed yet: creating .venv with scripts/moto-venv.sh (needs Python 3, once)...')
  const result = spawnSync('bash', [join(repoRoot, 'scripts', 'moto-venv.sh')], {
    cwd: repoRoot,
    stdio: 'inherit'
  })
  if (result.status !== 0 || !existsSync(motoServerBin)) {
    throw new Error('scripts/moto-venv.sh failed: see its message above (is python3 with venv installed?)')
  }
}

/**
 * Starts `moto_server -H 127.0.0.1 -p PORT` and waits until it answers. Without a port, a free one.
 * The server gets its own process group, so that a Ctrl-C in the terminal reaches only the demo, which
 * then lets a running action report its cancellation to a still-running moto before stopping it.
 * @param {{ port?: number, readyTimeoutMs?: number }} [options]
 * @returns {Promise<{ endpoint: string, pid: number, log(): string, stop(): Promise<void> }>}
 */
export async function startMoto(options = {}) {
  if (!existsSync(motoServerBin)) {
    throw new Error(`moto server not found at ${motoServerBin}: create it with 'bash scripts/moto-venv.sh'`)
  }
  if (options.port) return startOn(options.port, options.readyTimeoutMs ?? 30_000)
  // A port found free can be taken by someone else before moto binds it: try a few times.
  let lastError
  for (let attempt = 1; attempt <= 3; attempt++) {
    try {
      return await startOn(await freeLoopbackPort(), options.readyTimeoutMs ?? 30_000)
    } catch (error) {
      lastError = error
      if (!(error instanceof PortInUseError)) throw error
    }
  }
  throw lastError
}

class PortInUseError extends Error {}

/** Every moto server this process started and has not stopped yet: killed on exit, whatever happens. */
const running = new Set()
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL')
})

async function startOn(port, readyTimeoutMs) {
  const endpoint = `http://127.0.0.1:${port}`
  if (await answers(endpoint)) {
    throw new PortInUseError(`something already answers on ${endpoint}: stop it, or choose another port`)
  }
  const child = spawn(motoServerBin, ['-H', '127.0.0.1', '-p', String(port)], {
    cwd: repoRoot,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/tmp', PYTHONUNBUFFERED: '1' }
  })
  running.add(child)
  let output = ''
  const collect = chunk => (output = (output + chunk.toString('utf8')).slice(-LOG_LIMIT))
  child.stdout.on('data', collect)
  child.stderr.on('data', collect)
  const exited = new Promise(resolve => child.once('exit', resolve)).then(() => running.delete(child))
  let spawnError
  child.once('error', error => (spawnError = error))

  const deadline = Date.now() + readyTimeoutMs
  for (;;) {
    if (spawnError) throw new Error(`could not start ${motoServerBin}: ${spawnError.message}`)
    if (child.exitCode !== null || child.signalCode !== null) {
      const message = `moto_server exited (code ${child.exitCode}) before answering on ${endpoint}:\n${output}`
      throw /address already in use/i.test(output) ? new PortInUseError(message) : new Error(message)
    }
    if (await answers(endpoint)) break
    if (Date.now() > deadline) {
      await stopProcess(child, exited)
      throw new Error(`moto_server did not answer on ${endpoint} within ${readyTimeoutMs} ms:\n${output}`)
    }
    await sleep(100)
  }

  let stopping
  return {
    endpoint,
    pid: child.pid ?? -1,
    log: () => output,
    stop: () => (stopping ??= stopProcess(child, exited))
  }
}

async function answers(endpoint) {
  try {
    const response = await globalThis.fetch(`${endpoint}/moto-api/`, { signal: AbortSignal.timeout(1_000) })
    await response.arrayBuffer()
    return response.status < 500
  } catch {
    return false
  }
}

async function stopProcess(child, exited) {
  if (child.exitCode !== null || child.signalCode !== null) return
  child.kill('SIGTERM')
  const timer = setTimeout(() => child.kill('SIGKILL'), 5_000)
  await exited
  clearTimeout(timer)
}

function freeLoopbackPort() {
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

function sleep(ms) {
  return new Promise(resolve => setTimeout(resolve, ms))
}
