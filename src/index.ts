import { run } from './main.js'
import { cancellation, runnerDeps } from './runner.js'

// The action's entry point on the runner: everything else is in main.ts.
const { signal } = cancellation()
await run(runnerDeps(signal))
