#!/usr/bin/env bash
# `make run`: migrate, compile translations, load the demo data, then serve the web app with a
# Celery worker and beat beside it. Ctrl-C stops everything it started.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
HOST=${HOST:-127.0.0.1}
PORT=${PORT:-8000}
# Links in e-mails sent by the worker (outside a request) use the address the demo is
# served on, not a fixed port; within a request they use the request's own address.
export SITE_URL=${SITE_URL:-http://$HOST:$PORT}
mkdir -p var

if [ -z "${DATABASE_URL:-}" ]; then
  echo "DATABASE_URL not set: using SQLite at var/portal.sqlite3"
fi
if [ -n "${REDIS_URL:-}" ] && ! $PY -c "import redis,os,sys; redis.Redis.from_url(os.environ['REDIS_URL'], socket_connect_timeout=2).ping()" 2>/dev/null; then
  echo "Redis at $REDIS_URL is not reachable: falling back to the file-based queue under var/"
  unset REDIS_URL
fi
if [ -z "${REDIS_URL:-}" ]; then
  echo "REDIS_URL not set: Celery uses a file-based broker under var/celery-queue"
fi

$PY manage.py migrate --noinput -v 0
$PY manage.py compilemessages --ignore=.venv --ignore=var -v 0
$PY manage.py seed_demo

pids=()
# Each process runs in its own process group (setsid), so that stopping it stops its
# children too (the Celery worker's pool, runserver's child): Ctrl-C never leaves one behind.
start() {
  setsid "$@" &
  pids+=($!)
}
stop_groups() {
  local signal=$1
  for pid in "${pids[@]}"; do kill "-$signal" -- "-$pid" 2>/dev/null || true; done
}
cleanup() {
  trap - INT TERM EXIT
  echo "Stopping…"
  stop_groups TERM
  # A Celery worker finishes its current task on TERM (warm shutdown); give everything ten
  # seconds, then stop what is left for good, so that Ctrl-C never hangs.
  for _ in $(seq 1 20); do
    alive=0
    for pid in "${pids[@]}"; do kill -0 -- "-$pid" 2>/dev/null && alive=1; done
    [ "$alive" = 0 ] && break
    sleep 0.5
  done
  stop_groups KILL
  wait 2>/dev/null || true
}
trap cleanup INT TERM EXIT

start .venv/bin/celery -A portal worker --loglevel=INFO --concurrency=2 --without-gossip --without-mingle
start .venv/bin/celery -A portal beat --loglevel=INFO
echo "Serving $SITE_URL/  (admin: /admin/, API docs: /api/docs/). Ctrl-C stops everything."
start $PY manage.py runserver "$HOST:$PORT" --noreload
wait -n "${pids[@]}"
