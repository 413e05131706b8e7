#!/usr/bin/env bash
# Local PostgreSQL and Redis for development and tests, in .local/ of the project.
#
#   scripts/services.sh up       install what is missing (apt), start both, print nothing else
#   scripts/services.sh down     stop both cleanly
#   scripts/services.sh status   say what runs
#   scripts/services.sh env      print the environment (SLUICE_DATABASE_URL, SLUICE_REDIS_URL)
#
# Both listen on 127.0.0.1 only, on ports that do not clash with a system install
# (SLUICE_PG_PORT, default 55432; SLUICE_REDIS_PORT, default 56379). Passwords are made
# once, kept in .local/ (mode 600, git-ignored). Running `up` twice reuses what runs.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
local_dir="$root/.local"
pg_dir="$local_dir/postgres"
# PostgreSQL runs as the `postgres` user when we are root: that user must reach its data
# folder, and the socket path must stay short. If the checkout is somewhere it cannot reach
# (e.g. under /root) or deep, the cluster lives in /var/tmp and .local/postgres points there.
if [ "$(id -u)" -eq 0 ] && [ ! -L "$pg_dir" ] && [ ! -d "$pg_dir/data" ]; then
    if ! runuser -u postgres -- test -x "$root" 2>/dev/null || [ ${#pg_dir} -gt 70 ]; then
        alt="/var/tmp/sluice-postgres-$(printf '%s' "$root" | md5sum | cut -c1-8)"
        mkdir -p "$local_dir" "$alt"
        ln -sfn "$alt" "$pg_dir"
    fi
fi
[ -L "$pg_dir" ] && pg_dir=$(readlink "$pg_dir")
redis_dir="$local_dir/redis"
pg_port=${SLUICE_PG_PORT:-55432}
redis_port=${SLUICE_REDIS_PORT:-56379}

log() { printf 'services: %s\n' "$*" >&2; }

as_root() {
    if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

# apt packages the build, the server and the tests need.
packages=(postgresql postgresql-contrib redis-server redis-tools libhiredis-dev libargon2-dev zlib1g-dev
          pkg-config curl ca-certificates)

install_missing() {
    local missing=()
    command -v python3 >/dev/null || missing+=(python3 python3-pip)
    for p in "${packages[@]}"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
    done
    if [ ${#missing[@]} -gt 0 ]; then
        log "installing ${missing[*]}"
        as_root apt-get update -qq
        as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    fi
    # The HyperLogLog extension of the installed PostgreSQL's major version (unique actors).
    local hll="postgresql-$(basename "$(dirname "$(pg_bin)")")-hll"
    if ! dpkg-query -W -f='${Status}' "$hll" 2>/dev/null | grep -q "install ok installed"; then
        log "installing $hll"
        [ ${#missing[@]} -gt 0 ] || as_root apt-get update -qq
        as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$hll" >/dev/null
    fi
    # Debian starts a system cluster and redis on their default ports; ours use others and
    # leave those alone.
}

pg_bin() { ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1; }

# PostgreSQL refuses to run as root: when we are root, its files belong to `postgres`.
pg_user() { if [ "$(id -u)" -eq 0 ]; then echo postgres; else id -un; fi; }
as_pg() {
    if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

secret() { head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n'; }

pg_password() {
    local f="$local_dir/postgres.password"
    [ -s "$f" ] || { (umask 077; secret > "$f"); }
    cat "$f"
}

redis_password() {
    local f="$local_dir/redis.password"
    [ -s "$f" ] || { (umask 077; secret > "$f"); }
    cat "$f"
}

pg_running() { [ -f "$pg_dir/data/postmaster.pid" ] && as_pg "$(pg_bin)/pg_ctl" -D "$pg_dir/data" status >/dev/null 2>&1; }

start_postgres() {
    local bin; bin=$(pg_bin)
    mkdir -p "$pg_dir"
    chmod 755 "$local_dir"
    if [ ! -f "$pg_dir/data/PG_VERSION" ]; then
        log "initialising a PostgreSQL cluster in $pg_dir/data"
        mkdir -p "$pg_dir/data" "$pg_dir/run"
        as_root chown -R "$(pg_user)" "$pg_dir"
        local pwfile; pwfile=$(mktemp)
        pg_password > "$pwfile"; chmod 644 "$pwfile"
        as_pg "$bin/initdb" -D "$pg_dir/data" -U postgres --pwfile="$pwfile" \
            --auth-host=scram-sha-256 --auth-local=peer -E UTF8 --locale=C.UTF-8 >/dev/null
        rm -f "$pwfile"
        cat >> "$pg_dir/data/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $pg_port
unix_socket_directories = '$pg_dir/run'
max_connections = 400
shared_buffers = 256MB
fsync = on
synchronous_commit = on
logging_collector = off
CONF
    fi
    if pg_running; then return; fi
    log "starting PostgreSQL on 127.0.0.1:$pg_port"
    as_pg "$bin/pg_ctl" -D "$pg_dir/data" -l "$pg_dir/postgres.log" -w -t 60 start >/dev/null
}

psql_admin() {
    PGOPTIONS="-c client_min_messages=warning" PGPASSWORD=$(pg_password) psql -h 127.0.0.1 -p "$pg_port" -U postgres -v ON_ERROR_STOP=1 -qAt "$@"
}

ensure_database() {
    local db=$1
    if [ "$(psql_admin -d postgres -c "SELECT 1 FROM pg_roles WHERE rolname = 'sluice'")" != 1 ]; then
        psql_admin -d postgres -c "CREATE ROLE sluice LOGIN PASSWORD '$(pg_password)'"
    fi
    if [ "$(psql_admin -d postgres -c "SELECT 1 FROM pg_database WHERE datname = '$db'")" != 1 ]; then
        psql_admin -d postgres -c "CREATE DATABASE $db OWNER sluice"
    fi
    psql_admin -d "$db" -c "CREATE EXTENSION IF NOT EXISTS citext"
    psql_admin -d "$db" -c "CREATE EXTENSION IF NOT EXISTS hll"
}

redis_running() {
    [ -f "$redis_dir/redis.pid" ] && kill -0 "$(cat "$redis_dir/redis.pid")" 2>/dev/null
}

start_redis() {
    mkdir -p "$redis_dir"
    if redis_running; then return; fi
    log "starting Redis on 127.0.0.1:$redis_port"
    cat > "$redis_dir/redis.conf" <<CONF
bind 127.0.0.1
port $redis_port
protected-mode yes
daemonize yes
dir $redis_dir
pidfile $redis_dir/redis.pid
logfile $redis_dir/redis.log
appendonly yes
save ""
user default off
user sluice on >$(redis_password) ~* &* +@all
CONF
    chmod 600 "$redis_dir/redis.conf"
    redis-server "$redis_dir/redis.conf"
    for _ in $(seq 1 50); do
        redis-cli -p "$redis_port" --user sluice --pass "$(redis_password)" --no-auth-warning ping 2>/dev/null | grep -q PONG && return
        sleep 0.1
    done
    log "Redis did not answer; see $redis_dir/redis.log"; exit 1
}

print_env() {
    echo "export SLUICE_DATABASE_URL='postgres://sluice:$(pg_password)@127.0.0.1:$pg_port/sluice'"
    echo "export SLUICE_TEST_DATABASE_URL='postgres://sluice:$(pg_password)@127.0.0.1:$pg_port/sluice_test'"
    echo "export SLUICE_REDIS_URL='redis://sluice:$(redis_password)@127.0.0.1:$redis_port/0'"
    echo "export SLUICE_PG_ADMIN_URL='postgres://postgres:$(pg_password)@127.0.0.1:$pg_port/postgres'"
}

case "${1:-up}" in
    up)
        mkdir -p "$local_dir"
        install_missing
        start_postgres
        ensure_database sluice
        ensure_database sluice_test
        start_redis
        ;;
    down)
        if pg_running; then log "stopping PostgreSQL"; as_pg "$(pg_bin)/pg_ctl" -D "$pg_dir/data" -m fast -w stop >/dev/null; fi
        if redis_running; then
            log "stopping Redis"
            redis-cli -p "$redis_port" --user sluice --pass "$(redis_password)" --no-auth-warning shutdown >/dev/null 2>&1 || true
        fi
        ;;
    status)
        pg_running && echo "postgres: running on 127.0.0.1:$pg_port" || echo "postgres: stopped"
        redis_running && echo "redis: running on 127.0.0.1:$redis_port" || echo "redis: stopped"
        ;;
    env) print_env ;;
    recreate-db)
        # A clean database (used by the tests): drop and create it again.
        db=${2:?database name}
        psql_admin -d postgres -c "DROP DATABASE IF EXISTS $db WITH (FORCE)"
        ensure_database "$db"
        ;;
    *) echo "usage: $0 up|down|status|env|recreate-db NAME" >&2; exit 2 ;;
esac
