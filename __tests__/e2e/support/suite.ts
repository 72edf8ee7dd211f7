import { afterAll, beforeAll, beforeEach, describe, it } from '@jest/globals'
import { reset, startMoto, type MotoServer } from './moto.js'
import { distEntry, distExists } from './runAction.js'

/**
 * The frame of every end-to-end test file: the built action must exist (a missing dist/ fails
 * loudly, it never skips), and one moto server serves the whole file, reset before each test when
 * `resetEach` asks for it. `moto()` is the server, once it has started.
 */
export function describeAgainstMoto(
  title: string,
  body: (moto: () => MotoServer) => void,
  opts: { resetEach?: boolean } = {}
): void {
  describe(title, () => {
    if (!distExists()) {
      it('needs the built action', () => {
        throw new Error(
          `${distEntry} does not exist: build it with 'npm run package' before running the e2e tests.`
        )
      })
      return
    }
    let server: MotoServer | undefined
    beforeAll(async () => {
      server = await startMoto()
      await reset(server.endpoint)
    }, 60_000)
    afterAll(async () => {
      await server?.stop()
    })
    if (opts.resetEach) {
      beforeEach(async () => {
        await reset(server!.endpoint)
      })
    }
    body(() => {
      if (!server) throw new Error('moto has not started')
      return server
    })
  })
}
