import { expect } from '@jest/globals'
import { InputError } from '../../src/util/errors.js'

/** The one-line InputError message `work` throws; fails the test when it throws none or another error. */
export function inputErrorOf(work: () => unknown): string {
  try {
    work()
  } catch (error) {
    expect(error).toBeInstanceOf(InputError)
    const message = (error as Error).message
    expect(message).not.toContain('\n')
    return message
  }
  throw new Error('expected an InputError')
}
