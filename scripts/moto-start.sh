#!/usr/bin/env bash
# Starts the moto server of .venv in the background so that it outlives the step that starts it, on
# any runner: GitHub keeps a step's background processes until the job ends, but act (and other
# runners) end them with the step. `nohup` + `setsid` detach it; its pid goes to a file so a later
# step (or a person) can stop it.
#   bash scripts/moto-start.sh [PORT] [DIR]     default 5000 and $RUNNER_TEMP (else /tmp)
# Writes DIR/moto.log and DIR/moto.pid and returns once the server answers (30 s at most).
set -euo pipefail
cd "$(dirname "$0")/.."
port=${1:-5000}
dir=${2:-${RUNNER_TEMP:-/tmp}}
bash scripts/moto-venv.sh
nohup setsid .venv/bin/moto_server -H 127.0.0.1 -p "$port" >"$dir/moto.log" 2>&1 </dev/null &
echo $! >"$dir/moto.pid"
for _ in $(seq 30); do
  if curl -sf "http://127.0.0.1:$port/moto-api/" >/dev/null; then
    echo "moto on http://127.0.0.1:$port (pid $(cat "$dir/moto.pid"), log $dir/moto.log)"
    exit 0
  fi
  sleep 1
done
cat "$dir/moto.log" >&2
echo "moto-start: moto did not answer on port $port within 30 s" >&2
exit 1
