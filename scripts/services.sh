# Throwaway PostgreSQL and Redis servers in a temporary folder, for tests and benchmarks.
# Source this file, call start_services; they stop when the calling shell exits.

find_pg_bin() {
    local dir
    for dir in "$(dirname "$(command -v pg_ctl 2>/dev/null || echo /nonexistent/x)")" \
               $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -rV); do
        if [ -x "$dir/initdb" ] && [ -x "$dir/pg_ctl" ]; then
            echo "$dir"
            return 0
        fi
    done
    return 1
}

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

stop_services() {
    set +e
    if [ -n "${PG_DATA:-}" ] && [ -f "$PG_DATA/postmaster.pid" ]; then
        $RUN_AS_PG "$PG_BIN/pg_ctl" -D "$PG_DATA" -m immediate stop >/dev/null 2>&1
    fi
    if [ -n "${SERVICES_DIR:-}" ] && [ -f "$SERVICES_DIR/redis.pid" ]; then
        kill "$(cat "$SERVICES_DIR/redis.pid")" 2>/dev/null
    fi
    [ -n "${SERVICES_DIR:-}" ] && rm -rf "$SERVICES_DIR"
    SERVICES_DIR=""
}

start_services() {
    PG_BIN=$(find_pg_bin) || PG_BIN=""
    local missing=()
    [ -n "$PG_BIN" ] || missing+=("PostgreSQL server (initdb, pg_ctl): apt-get install postgresql")
    command -v redis-server >/dev/null || missing+=("redis-server: apt-get install redis-server")
    if [ ${#missing[@]} -gt 0 ]; then
        echo "Cannot start the test services; missing:" >&2
        printf '  - %s\n' "${missing[@]}" >&2
        echo "Install them, or run 'make test-sqlite' to use SQLite without Redis." >&2
        exit 2
    fi

    SERVICES_DIR=$(mktemp -d "${TMPDIR:-/tmp}/essaimage-services.XXXXXX")
    trap stop_services EXIT
    trap 'exit 130' INT TERM
    # PostgreSQL refuses to run as root: hand its folder to the postgres user.
    chmod 711 "$SERVICES_DIR"
    PG_DATA="$SERVICES_DIR/pg"
    mkdir "$PG_DATA"
    RUN_AS_PG=""
    if [ "$(id -u)" = "0" ]; then
        chown postgres "$PG_DATA"
        RUN_AS_PG="runuser -u postgres --"
    fi
    $RUN_AS_PG "$PG_BIN/initdb" -D "$PG_DATA" -U postgres -A trust -E UTF8 --locale=C.UTF-8 \
        >"$SERVICES_DIR/initdb.log" 2>&1 || { cat "$SERVICES_DIR/initdb.log" >&2; exit 1; }
    PG_PORT=$(free_port)
    $RUN_AS_PG "$PG_BIN/pg_ctl" -D "$PG_DATA" -l "$PG_DATA/server.log" -w -t 30 \
        -o "-c listen_addresses=127.0.0.1 -p $PG_PORT -k $PG_DATA -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
        start >/dev/null || { cat "$PG_DATA/server.log" >&2; exit 1; }

    REDIS_PORT=$(free_port)
    redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --daemonize yes --save '' \
        --appendonly no --dir "$SERVICES_DIR" --pidfile "$SERVICES_DIR/redis.pid" \
        --logfile "$SERVICES_DIR/redis.log"
    for _ in $(seq 1 50); do
        redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 && break
        sleep 0.1
    done

    export DATABASE_URL="postgres://postgres@127.0.0.1:$PG_PORT/postgres"
    export REDIS_URL="redis://127.0.0.1:$REDIS_PORT/0"
    echo "Services: PostgreSQL on port $PG_PORT, Redis on port $REDIS_PORT (in $SERVICES_DIR)."
}
