#!/usr/bin/env bash
# Starts a local PostgreSQL for the test suite and points the tests at it.
#
#   source .ci/postgres.sh         # exports COMPTOIR_TEST_PG_URL in the current shell
#   eval "$(.ci/postgres.sh)"      # same, when run as a command (it prints the export line)
#
# Installs the Debian package when PostgreSQL is missing, starts the first cluster found (or
# creates one), then creates the role and the database if they do not exist yet. Running it again
# is harmless. Throwaway test credentials only: never point it at a real server.
#
# Environment: PG_ROLE, PG_DB, PG_PASSWORD override the defaults (comptoir/comptoir/comptoir);
# PG_PORT is used only when a cluster has to be created. Progress goes to stderr, so that stdout
# holds only the export line. Safe to source: shell options of the caller are left alone.

comptoir_pg_setup() (
    set -euo pipefail

    PG_ROLE="${PG_ROLE:-comptoir}"
    PG_DB="${PG_DB:-comptoir}"
    PG_PASSWORD="${PG_PASSWORD:-comptoir}"
    PG_PORT="${PG_PORT:-5432}"

    log() { echo "postgres.sh: $*" >&2; }
    as_root() { if [ "$(id -u)" = "0" ]; then "$@"; else sudo -n "$@"; fi; }
    as_postgres() {
        if [ "$(id -u)" = "0" ]; then runuser -u postgres -- "$@"; else sudo -n -u postgres "$@"; fi
    }

    if ! command -v pg_lsclusters >/dev/null 2>&1; then
        log "PostgreSQL not found: installing it"
        as_root apt-get update -qq >&2
        as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2
    fi

    # First cluster listed: "version name port status owner datadir logfile".
    local cluster version name port status
    cluster="$(pg_lsclusters --no-header 2>/dev/null | head -n 1 || true)"
    if [ -z "$cluster" ]; then
        version="$(ls /usr/lib/postgresql | sort -V | tail -n 1)"
        log "no cluster: creating $version/main on port $PG_PORT"
        as_root pg_createcluster "$version" main --port "$PG_PORT" >&2
        cluster="$(pg_lsclusters --no-header | head -n 1)"
    fi
    read -r version name port status _ <<<"$cluster"
    if [ "$status" != "online" ]; then
        log "starting cluster $version/$name on port $port"
        as_root pg_ctlcluster "$version" "$name" start >&2
    fi

    local ready=""
    for _ in $(seq 1 30); do
        if as_postgres psql -p "$port" -qtAc 'select 1' >/dev/null 2>&1; then ready=1; break; fi
        sleep 1
    done
    if [ -z "$ready" ]; then
        log "cluster $version/$name does not accept connections; see /var/log/postgresql/"
        return 1
    fi

    psql_admin() { as_postgres psql -p "$port" -v ON_ERROR_STOP=1 -qtA "$@"; }
    if [ "$(psql_admin -c "select 1 from pg_roles where rolname = '$PG_ROLE'")" != "1" ]; then
        log "creating role $PG_ROLE"
        psql_admin -c "create role \"$PG_ROLE\" login password '$PG_PASSWORD'" >&2
    else
        psql_admin -c "alter role \"$PG_ROLE\" login password '$PG_PASSWORD'" >&2
    fi
    if [ "$(psql_admin -c "select 1 from pg_database where datname = '$PG_DB'")" != "1" ]; then
        log "creating database $PG_DB"
        psql_admin -c "create database \"$PG_DB\" owner \"$PG_ROLE\"" >&2
    fi

    log "PostgreSQL $version ready on 127.0.0.1:$port, database $PG_DB"
    echo "jdbc:postgresql://127.0.0.1:${port}/${PG_DB}?user=${PG_ROLE}&password=${PG_PASSWORD}"
)

if comptoir_pg_url="$(comptoir_pg_setup)"; then
    export COMPTOIR_TEST_PG_URL="$comptoir_pg_url"
    echo "export COMPTOIR_TEST_PG_URL='$comptoir_pg_url'"
    unset comptoir_pg_url
    unset -f comptoir_pg_setup
else
    echo "postgres.sh: PostgreSQL setup failed" >&2
    unset -f comptoir_pg_setup
    # 'return' when sourced, 'exit' when run as a command.
    return 1 2>/dev/null || exit 1
fi
