#!/usr/bin/env bash
# Run the whole suite against a real PostgreSQL and a real Redis started for the occasion.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/services.sh

if [ "${USE_SQLITE:-}" = "1" ]; then
    echo "Running on SQLite without Redis, as asked (USE_SQLITE=1): real-service tests are skipped."
    unset DATABASE_URL REDIS_URL
    exec .venv/bin/python -m pytest "$@"
fi

start_services
.venv/bin/python -m pytest "$@"
