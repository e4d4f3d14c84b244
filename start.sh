#!/usr/bin/env bash
# Runs the mmexec gateway in the background.
#
#   ./start.sh             start (reads .env, writes a PID file, waits until /healthz answers)
#   ./start.sh --status    is it running? (PID file and /healthz)
#   ./start.sh --stop      stop gracefully (SIGTERM: in-flight streams may finish), remove the PID file
#   ./start.sh --restart   stop, then start
#
# Environment (also read from .env in the working directory, as every mmexec command reads it):
#   MMEXEC_DIR        working directory: .env, mmexec.yaml, PID and log files (default: this script's folder)
#   MMEXEC_CONFIG     rule file (default: mmexec.yaml in MMEXEC_DIR, else the bundled one)
#   MMEXEC_PID_FILE   default: $MMEXEC_DIR/mmexec.pid      MMEXEC_LOG  default: $MMEXEC_DIR/mmexec.log
# The health check uses the address the configuration listens on (`mmexec validate --print-url`).
# Runs dist/ when built; otherwise runs the sources through tsx when installed, and only then builds.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
DIR="${MMEXEC_DIR:-$ROOT}"
cd "$DIR"
# .env by mmexec's rule: parsed by Node's util.parseEnv; a variable already set to a non-empty value wins,
# an unset or empty one takes the file's value.
if [[ -f .env ]]; then
  while IFS= read -r -d '' assignment; do export "$assignment"; done < <(node -e '
    const vars = require("node:util").parseEnv(require("node:fs").readFileSync(".env", "utf8"));
    for (const [k, v] of Object.entries(vars)) if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(k) && !process.env[k]) process.stdout.write(`${k}=${v}\0`);')
fi
PID_FILE="${MMEXEC_PID_FILE:-$DIR/mmexec.pid}"
LOG="${MMEXEC_LOG:-$DIR/mmexec.log}"
CONFIG_ARGS=()
if [[ -n "${MMEXEC_CONFIG:-}" ]]; then CONFIG_ARGS=(--config "$MMEXEC_CONFIG"); fi
HEALTH=""

ensure_runnable() {
  if [[ ! -f "$ROOT/dist/cli/main.js" && ! -d "$ROOT/node_modules/tsx" ]]; then
    echo "building mmexec (first start)..."
    (cd "$ROOT" && npm run build --silent)
  fi
}

# Sets HEALTH from the address the configuration listens on, as mmexec resolves it (.env, ${VAR}, server.port).
resolve_health() {
  local out
  if ! out="$(node "$ROOT/bin/mmexec.js" validate --print-url ${CONFIG_ARGS[@]+"${CONFIG_ARGS[@]}"} 2>&1)"; then
    echo "mmexec: the configuration is not valid:" >&2
    echo "$out" >&2
    return 1
  fi
  HEALTH="${out##*$'\n'}/healthz"
}

running_pid() {
  [[ -f "$PID_FILE" ]] || return 1
  local pid
  pid="$(cat "$PID_FILE")"
  [[ "$pid" =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null && echo "$pid"
}

health() {
  node -e 'fetch(process.argv[1], { signal: AbortSignal.timeout(2000) }).then(async (r) => { console.log(JSON.stringify(await r.json())); process.exit(r.ok ? 0 : 1); }, () => process.exit(1))' "$HEALTH"
}

start() {
  local pid
  if pid="$(running_pid)"; then
    echo "mmexec is already running (pid $pid)"
    return 0
  fi
  ensure_runnable
  resolve_health || return 1
  nohup node "$ROOT/bin/mmexec.js" serve ${CONFIG_ARGS[@]+"${CONFIG_ARGS[@]}"} --log-format json >>"$LOG" 2>&1 </dev/null &
  pid=$!
  echo "$pid" >"$PID_FILE"
  for _ in $(seq 1 100); do
    if health >/dev/null 2>&1; then
      echo "mmexec started (pid $pid) on ${HEALTH%/healthz}; log: $LOG"
      return 0
    fi
    if ! kill -0 "$pid" 2>/dev/null; then break; fi
    sleep 0.2
  done
  echo "mmexec did not start; last log lines:" >&2
  tail -n 20 "$LOG" >&2 || true
  kill "$pid" 2>/dev/null || true
  rm -f "$PID_FILE"
  return 1
}

stop() {
  local pid
  if ! pid="$(running_pid)"; then
    echo "mmexec is not running"
    rm -f "$PID_FILE"
    return 0
  fi
  kill -TERM "$pid"
  for _ in $(seq 1 400); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$pid" 2>/dev/null; then
    echo "mmexec (pid $pid) did not stop within 40s; sending SIGKILL" >&2
    kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$PID_FILE"
  echo "mmexec stopped (pid $pid)"
}

status() {
  local pid
  if ! pid="$(running_pid)"; then
    echo "mmexec is not running"
    return 3
  fi
  resolve_health || return 1
  if body="$(health 2>/dev/null)"; then
    echo "mmexec is running (pid $pid) on ${HEALTH%/healthz}: $body"
  else
    echo "mmexec is running (pid $pid) but ${HEALTH} does not answer"
    return 1
  fi
}

case "${1:-}" in
  "" | --start) start ;;
  --stop) stop ;;
  --status) status ;;
  --restart) stop && start ;;
  -h | --help) sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//' ;;
  *) echo "usage: $0 [--stop|--status|--restart]" >&2; exit 2 ;;
esac
