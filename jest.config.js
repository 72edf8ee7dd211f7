// Three layers of tests, selectable with --selectProjects:
//   unit      pure logic (settings, plan, report rendering, helpers), and the repository's own files
//             (__tests__/repo: action.yml, examples, workflows, README, IAM policy, release)
//   scenario  whole teardowns and the simulator's own rules, against the strict simulated AWS
//   e2e       the built dist/index.js, started as the runner starts it, against a moto server
const shared = {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: 'tsconfig.json' }]
  }
}

export default {
  projects: [
    {
      ...shared,
      displayName: 'unit',
      testMatch: ['<rootDir>/__tests__/unit/**/*.test.ts', '<rootDir>/__tests__/repo/**/*.test.ts']
    },
    {
      ...shared,
      displayName: 'scenario',
      testMatch: ['<rootDir>/__tests__/sim/**/*.test.ts', '<rootDir>/__tests__/scenario/**/*.test.ts']
    },
    { ...shared, displayName: 'e2e', testMatch: ['<rootDir>/__tests__/e2e/**/*.test.ts'] }
  ]
}
