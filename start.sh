#!/usr/bin/env bash
# Runs the mmexec gateway in the background.
#
#   ./start.sh             start (reads .env, writes a PID file, waits until /healthz answers)
#   ./start.sh --status    is it running? (PID file and /healthz)
#   ./start.sh --stop      stop gracefully (SIGTERM: in-flight streams may finish), remove the PID file
#   ./start.sh --restart   stop, then start
#
# Environment (also read from .env in the working directory):
#   MMEXEC_DIR        working directory: .env, mmexec.yaml, PID and log files (default: this script's folder)
#   MMEXEC_CONFIG     rule file (default: mmexec.yaml in MMEXEC_DIR, else the bundled one)
#   PORT              port the rule file listens on (default 9099), used for the health check
#   MMEXEC_PID_FILE   default: $MMEXEC_DIR/mmexec.pid      MMEXEC_LOG  default: $MMEXEC_DIR/mmexec.log
# Runs dist/ when built; otherwise runs the sources through tsx when installed, and only then builds.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
DIR="${MMEXEC_DIR:-$ROOT}"
cd "$DIR"
# KEY=value lines of .env, like `mmexec serve` reads them: variables already set (non-empty) win.
if [[ -f .env ]]; then
  while IFS= read -r line || [[ -n "$line" ]]; do
    [[ "$line" =~ ^[[:space:]]*(export[[:space:]]+)?([A-Za-z_][A-Za-z0-9_]*)=(.*)$ ]] || continue
    key="${BASH_REMATCH[2]}"
    value="${BASH_REMATCH[3]}"
    if [[ "$value" =~ ^\"(.*)\"$ || "$value" =~ ^\'(.*)\'$ ]]; then value="${BASH_REMATCH[1]}"; fi
    if [[ -z "${!key:-}" ]]; then export "$key=$value"; fi
  done <.env
fi
PID_FILE="${MMEXEC_PID_FILE:-$DIR/mmexec.pid}"
LOG="${MMEXEC_LOG:-$DIR/mmexec.log}"
HEALTH="http://127.0.0.1:${PORT:-9099}/healthz"

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
  if [[ ! -f "$ROOT/dist/cli/main.js" && ! -d "$ROOT/node_modules/tsx" ]]; then
    echo "building mmexec (first start)..."
    (cd "$ROOT" && npm run build --silent)
  fi
  local args=(serve)
  [[ -n "${MMEXEC_CONFIG:-}" ]] && args+=(--config "$MMEXEC_CONFIG")
  nohup node "$ROOT/bin/mmexec.js" "${args[@]}" --log-format json >>"$LOG" 2>&1 </dev/null &
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
  -h | --help) sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//' ;;
  *) echo "usage: $0 [--stop|--status|--restart]" >&2; exit 2 ;;
esac
