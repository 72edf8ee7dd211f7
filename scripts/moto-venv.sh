#!/usr/bin/env bash
# Creates (or reuses) .venv at the repo root with a pinned moto server for the e2e tests.
# Idempotent: does nothing when .venv/bin/moto_server already runs the pinned version.
set -euo pipefail

MOTO_VERSION=5.2.5
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$ROOT/.venv"
PY="${PYTHON:-python3}"

installed_version() {
  [ -x "$VENV/bin/moto_server" ] && [ -x "$VENV/bin/python" ] || return 1
  "$VENV/bin/python" - <<'PY' 2>/dev/null
import importlib.metadata as m
import moto.server  # noqa: F401  (fails when the [server] extras are missing)
print(m.version('moto'))
PY
}

if [ "$(installed_version || true)" = "$MOTO_VERSION" ]; then
  echo "moto $MOTO_VERSION already in $VENV"
  exit 0
fi

command -v "$PY" >/dev/null || { echo "moto-venv: $PY not found on PATH" >&2; exit 1; }
if [ ! -x "$VENV/bin/python" ]; then
  "$PY" -m venv "$VENV" || {
    echo "moto-venv: '$PY -m venv' failed (on Debian/Ubuntu: apt-get install python3-venv)" >&2
    exit 1
  }
fi
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check "moto[server]==$MOTO_VERSION"

v="$(installed_version)" || { echo "moto-venv: moto_server missing after install" >&2; exit 1; }
[ "$v" = "$MOTO_VERSION" ] || { echo "moto-venv: expected moto $MOTO_VERSION, found $v" >&2; exit 1; }
echo "moto $MOTO_VERSION installed in $VENV"
