import { Inputs } from './constants.js'
import { InputError } from './util/errors.js'

/**
 * The runner passes every `with:` key to the action as `INPUT_<NAME>`: the name upper-cased, spaces
 * turned into `_`, hyphens kept. A key the action does not declare only earns a warning in the log,
 * and the run then does its default, which here is to delete: so an unknown input stops the run.
 * The known names are `Inputs`, which a unit test keeps equal to action.yml's inputs.
 */
export function checkInputNames(
  env: NodeJS.ProcessEnv,
  known: readonly string[] = Object.values(Inputs)
): void {
  const byVariable = new Map(known.map(name => [variableName(name), name]))
  for (const key of Object.keys(env).sort()) {
    if (!/^INPUT_/i.test(key)) continue
    // @github/local-action also reads INPUT_<name> without the upper-casing: compare upper-cased.
    if (byVariable.has(key.toUpperCase())) continue
    const given = key.slice('INPUT_'.length)
    const hint = probablyMeant(given, known)
    throw new InputError(
      `Input '${given.toLowerCase()}' (${key}) is not an input of this action, so nothing was done: ${hint ?? `remove it; the inputs are ${known.join(', ')}`}.`
    )
  }
}

/** `INPUT_` + the name as the runner maps it. */
export function variableName(input: string): string {
  return `INPUT_${input.replace(/ /g, '_').toUpperCase()}`
}

/** The declared input a mistyped name most likely meant: same letters but for case and separators, or one or two edits away. */
export function probablyMeant(given: string, known: readonly string[]): string | undefined {
  const squash = (s: string): string => s.toLowerCase().replace(/[-_ ]/g, '')
  const wanted = squash(given)
  const exact = known.find(name => squash(name) === wanted)
  const near =
    exact ??
    known
      .map(name => ({ name, distance: editDistance(squash(name), wanted) }))
      .filter(c => c.distance <= Math.min(2, Math.floor(wanted.length / 4)))
      .sort((a, b) => a.distance - b.distance)[0]?.name
  return near ? `did you mean '${near}'? Rename it to ${near}` : undefined
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j)
  for (let i = 1; i <= a.length; i++) {
    const current = [i]
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(
        previous[j]! + 1,
        current[j - 1]! + 1,
        previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1)
      )
    }
    previous = current
  }
  return previous[b.length]!
}
