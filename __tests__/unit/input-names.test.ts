import { readFileSync } from 'node:fs'
import { describe, expect, it } from '@jest/globals'
import { parse } from 'yaml'
import { Inputs } from '../../src/constants.js'
import { checkInputNames, probablyMeant, variableName } from '../../src/input-names.js'
import { inputErrorOf } from '../support/input-error.js'

const actionInputs = Object.keys(
  (parse(readFileSync(new URL('../../action.yml', import.meta.url), 'utf8')) as { inputs: object }).inputs
)

const failure = (env: NodeJS.ProcessEnv): string => inputErrorOf(() => checkInputNames(env))

describe('unknown inputs', () => {
  it('accepts every input of action.yml as the runner passes it, so the known names cannot drift', () => {
    // The runner sets INPUT_<NAME> for every declared input (its default when not given).
    const env = Object.fromEntries(actionInputs.map(name => [variableName(name), 'x']))
    expect(() => checkInputNames(env)).not.toThrow()
    expect(actionInputs.map(variableName).sort()).toEqual(Object.values(Inputs).map(variableName).sort())
  })

  it('accepts the un-upper-cased names @github/local-action also reads, and ignores other variables', () => {
    expect(() =>
      checkInputNames({ 'INPUT_dry-run': 'true', INPUT_CLUSTER: 'c', GITHUB_RUN_ID: '1', PATH: '/bin' })
    ).not.toThrow()
  })

  it('accepts every input the .env.example for local runs sets', () => {
    const example = readFileSync(new URL('../../.env.example', import.meta.url), 'utf8')
    const env = Object.fromEntries(
      [...example.matchAll(/^#?\s*(INPUT_[A-Z0-9_-]+)=/gm)].map(m => [m[1]!, ''])
    )
    expect(Object.keys(env).length).toBeGreaterThan(10)
    expect(() => checkInputNames(env)).not.toThrow()
  })

  it('stops the run on an unknown input, in one line naming it and the input probably meant', () => {
    expect(failure({ INPUT_CLUSTER: 'c', INPUT_DRY_RUN: 'true' })).toBe(
      "Input 'dry_run' (INPUT_DRY_RUN) is not an input of this action, so nothing was done: did you mean 'dry-run'? Rename it to dry-run."
    )
    expect(failure({ INPUT_DRYRUN: 'true' })).toMatch(/^Input 'dryrun' .*did you mean 'dry-run'\?/)
    expect(failure({ INPUT_DELETE_STACK: 'true' })).toMatch(/did you mean 'delete-stack'\?/)
    expect(failure({ 'INPUT_TIMEOUT-MINUTE': '5' })).toMatch(/did you mean 'timeout-minutes'\?/)
    expect(failure({ 'INPUT_DELETE-LOGGROUPS': 'true' })).toMatch(/did you mean 'delete-log-groups'\?/)
  })

  it("names 'services' for a misspelt services input, not a mode the action lacks", () => {
    expect(failure({ INPUT_CLUSTER: 'c', INPUT_SER_VICES: 'pr-1-*' })).toBe(
      "Input 'ser_vices' (INPUT_SER_VICES) is not an input of this action, so nothing was done: did you mean 'services'? Rename it to services."
    )
    expect(failure({ INPUT_SERVICE: 'web' })).toMatch(/^Input 'service' .*did you mean 'services'\?/)
    expect(() => checkInputNames({ INPUT_SERVICES: 'pr-1-*' })).not.toThrow()
  })

  it('lists the inputs when nothing is close', () => {
    const message = failure({ INPUT_COLOUR: 'blue' })
    expect(message).toMatch(/^Input 'colour' \(INPUT_COLOUR\) is not an input of this action/)
    expect(message).toContain('remove it; the inputs are cluster, services, region, force')
  })

  it('does not suggest for short or distant names', () => {
    expect(probablyMeant('xy', Object.values(Inputs))).toBeUndefined()
    expect(probablyMeant('verbose', Object.values(Inputs))).toBeUndefined()
    expect(probablyMeant('Force', Object.values(Inputs))).toMatch(/'force'/)
  })
})
