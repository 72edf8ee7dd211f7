#!/usr/bin/env bash
# Runs the action from source (src/local.ts, TypeScript through tsx) with @github/local-action, which
# stands in for the runner: inputs and environment come from a dotenv file, @actions/core is stubbed.
#   bash scripts/local-action.sh [ENV_FILE]      default .env, else .env.example
# The shipped .env.example targets a local moto on port 5000: start it first with
#   npm run demo -- --serve
set -euo pipefail
cd "$(dirname "$0")/.."
# Node 24 from node_modules, as the runner's node24 (and npm scripts) use.
export PATH="$PWD/node_modules/.bin:$PATH"

env_file=${1:-.env}
if [[ ! -f $env_file ]]; then
  if [[ $# -gt 0 ]]; then
    echo "local-action.sh: $env_file not found" >&2
    exit 1
  fi
  echo "local-action.sh: no .env, using .env.example (copy it to .env to change the inputs)"
  env_file=.env.example
fi
# local-action loads the file over the environment (dotenv override), so edit the file to change a value.
exec local-action run . src/local.ts "$env_file"
