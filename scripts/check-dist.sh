#!/usr/bin/env bash
# Builds the bundle into a scratch directory and compares it with the committed dist/.
set -euo pipefail
cd "$(dirname "$0")/.."
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
npx tsc -p tsconfig.build.json
npx ncc build lib/index.js -o "$scratch" --license licenses.txt --target es2022 >/dev/null
if ! diff -rq "$scratch" dist >/dev/null; then
  diff -rq "$scratch" dist || true
  echo "dist/ differs from a fresh build: run 'npm run package' and commit dist/." >&2
  exit 1
fi
echo "dist/ is up to date"
