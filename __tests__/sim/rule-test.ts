import { expect } from '@jest/globals'

// What every simulator rule test uses: a call to a simulator's client, and the rejection it must give.

export type Out = Record<string, unknown>

export const send = (client: { send(c: object): Promise<unknown> }, command: object): Promise<Out> =>
  client.send(command) as Promise<Out>

/** The call fails with the AWS error `name` (and a message matching `message`). */
export const rejects = (p: Promise<unknown>, name: string, message?: RegExp): Promise<void> =>
  expect(p).rejects.toMatchObject({ name, ...(message ? { message: expect.stringMatching(message) } : {}) })
