#!/usr/bin/env bash
# Benchmark the platform: a large dataset in a throwaway PostgreSQL, served by gunicorn with
# production settings, timed over HTTP. Arguments go to `manage.py run_bench` (--requests 500).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/services.sh

PYTHON=.venv/bin/python
GUNICORN_LOG=bench/gunicorn.log

# Production switches, over plain HTTP on the loopback, with a key that outlives no run.
export DEBUG=false
export SECRET_KEY="bench-only-$($PYTHON -c 'import secrets; print(secrets.token_urlsafe(40))')"
export ALLOWED_HOSTS=127.0.0.1,localhost
export SECURE_SSL_REDIRECT=false SESSION_COOKIE_SECURE=false CSRF_COOKIE_SECURE=false
export SECURE_HSTS_SECONDS=0 LOG_LEVEL=WARNING
# The bench asks the API as fast as it answers: no throttle in the way of the timings.
export API_THROTTLE_RATE=1000000/minute

GUNICORN_PID=""
stop_gunicorn() {
    if [ -n "$GUNICORN_PID" ]; then
        kill "$GUNICORN_PID" 2>/dev/null || true
        wait "$GUNICORN_PID" 2>/dev/null || true
        GUNICORN_PID=""
    fi
}

wait_until_healthy() {
    local url=$1
    for _ in $(seq 1 60); do
        curl -fsS -o /dev/null "$url" 2>/dev/null && return 0
        if ! kill -0 "$GUNICORN_PID" 2>/dev/null; then
            echo "gunicorn stopped before answering; its log ($GUNICORN_LOG):" >&2
            cat "$GUNICORN_LOG" >&2
            exit 1
        fi
        sleep 0.5
    done
    echo "gunicorn did not answer $url within 30 s; its log ($GUNICORN_LOG):" >&2
    cat "$GUNICORN_LOG" >&2
    exit 1
}

start_services
# Replaces the trap set by start_services: the server goes first, then the database.
trap 'stop_gunicorn; stop_services' EXIT

$PYTHON manage.py migrate --noinput -v0
$PYTHON manage.py generate_bench_data --structures 5000 --users 50000 --seed 42
# With DEBUG off, WhiteNoise serves the hashed files listed by collectstatic's manifest.
$PYTHON manage.py collectstatic --noinput -v0

PORT=$(free_port)
mkdir -p bench
: >"$GUNICORN_LOG"
# Two workers for the two cores of the reference machine.
.venv/bin/gunicorn essaimage.wsgi --bind "127.0.0.1:$PORT" --workers 2 \
    --log-level warning --error-logfile "$GUNICORN_LOG" &
GUNICORN_PID=$!
wait_until_healthy "http://127.0.0.1:$PORT/sante/"
echo "gunicorn (2 workers) on port $PORT."

$PYTHON manage.py run_bench "http://127.0.0.1:$PORT" "$@"
