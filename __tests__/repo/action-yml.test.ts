import { readFileSync } from 'node:fs'
import { describe, expect, it } from '@jest/globals'
import { parse } from 'yaml'
import { Inputs, Outputs } from '../../src/constants.js'

interface ActionYml {
  runs: { using: string; main: string }
  inputs: Record<string, { description: string; required?: boolean; default?: string }>
  outputs: Record<string, { description: string }>
}

const action = parse(readFileSync(new URL('../../action.yml', import.meta.url), 'utf8')) as ActionYml
const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8')

describe('action.yml', () => {
  it('runs the committed bundle on node24', () => {
    expect(action.runs).toEqual({ using: 'node24', main: 'dist/index.js' })
  })

  it('declares exactly the inputs and outputs the code reads and writes', () => {
    expect(Object.keys(action.inputs).sort()).toEqual(Object.values(Inputs).sort())
    expect(Object.keys(action.outputs).sort()).toEqual(Object.values(Outputs).sort())
  })

  it('states the default in every optional input description', () => {
    for (const [name, input] of Object.entries(action.inputs)) {
      if (input.required) continue
      expect({ name, mentionsDefault: /default/i.test(input.description) }).toEqual({
        name,
        mentionsDefault: true
      })
    }
  })

  it('has every input and output in the README tables', () => {
    for (const name of [...Object.keys(action.inputs), ...Object.keys(action.outputs)]) {
      const row = new RegExp(`^\\|\\s*\`${name}\`\\s*\\|`, 'm')
      expect({ name, inReadme: row.test(readme) }).toEqual({ name, inReadme: true })
    }
  })
})
