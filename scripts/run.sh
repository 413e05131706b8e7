#!/usr/bin/env bash
# The run command: install and start PostgreSQL and Redis, build Sluice, apply migrations,
# create a demo tenant (once), print how to use it, and serve on 127.0.0.1:8080.
#   SLUICE_BUILD=release scripts/run.sh    builds optimised (slower to build, faster to run)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

scripts/services.sh up
eval "$(scripts/services.sh env)"
export SLUICE_DATABASE_URL SLUICE_REDIS_URL
export SLUICE_LOG_FORMAT=${SLUICE_LOG_FORMAT:-text}

# A JWT signing key made once for this checkout, so that tokens survive restarts.
key_file=.local/jwt.key
[ -s "$key_file" ] || (umask 077; printf 'local-1:%s\n' "$(head -c 32 /dev/urandom | base64)" > "$key_file")
export SLUICE_JWT_KEYS=${SLUICE_JWT_KEYS:-$(cat "$key_file")}

config=${SLUICE_BUILD:-debug}
swift build -c "$config" --product sluice
bin=$(swift build -c "$config" --show-bin-path)/sluice

"$bin" migrate

# The demo owner's password and API key are made on first run and kept in .local/demo.env
# (mode 600, git-ignored): the server itself stores only their hashes.
demo=.local/demo.env
if [ ! -s "$demo" ]; then
    password=$(head -c 18 /dev/urandom | base64 | tr -d '/+=')
    output=$(printf '%s\n' "$password" | "$bin" admin demo --password-stdin)
    (umask 077; { echo "DEMO_EMAIL=demo@sluice.local"; echo "DEMO_PASSWORD=$password"; echo "$output"; } > "$demo")
fi
# shellcheck disable=SC1090
. "$demo"

"$bin" serve &
server=$!
trap 'kill -TERM "$server" 2>/dev/null; wait "$server"' INT TERM
for _ in $(seq 1 150); do curl -sf http://127.0.0.1:8080/healthz >/dev/null && break; sleep 0.2; done
# The demo stream (a 409 when it already exists is fine).
curl -s -o /dev/null -X POST http://127.0.0.1:8080/v1/streams -H "authorization: Bearer ${DEMO_API_KEY}" \
     -H 'content-type: application/json' -d '{"name":"social","partitions":4,"description":"demo social events"}' || true

cat <<INFO

  Sluice is running on http://127.0.0.1:8080

  Dashboard:     http://localhost:8080/dashboard   (sign in as the owner below; use
                 "localhost": browsers keep its Secure session cookie over plain HTTP)

  Demo tenant:   ${DEMO_TENANT_ID}
  Owner:         ${DEMO_EMAIL} / ${DEMO_PASSWORD}
  Producer key:  ${DEMO_API_KEY:-"(see $demo)"}

  Log in:
    curl -s -X POST http://127.0.0.1:8080/v1/auth/login -H 'content-type: application/json' \\
         -d '{"email":"${DEMO_EMAIL}","password":"${DEMO_PASSWORD}"}'
  Who am I, with the API key:
    curl -s http://127.0.0.1:8080/v1/me -H 'authorization: Bearer ${DEMO_API_KEY:-sk_live_…}'

  Send an event to the demo stream 'social', then read it back:
    curl -s -X POST http://127.0.0.1:8080/v1/streams/social/events -H 'authorization: Bearer ${DEMO_API_KEY:-sk_live_…}' \\
         -H 'content-type: application/json' -d '{"type":"post.liked","key":"acct-1","data":{"likes":1}}'
    curl -s http://127.0.0.1:8080/v1/streams/social/events -H 'authorization: Bearer ${DEMO_API_KEY:-sk_live_…}'
  Generate realistic social traffic (50 events/s, a burst every 20 s):
    $bin generate --stream social --key ${DEMO_API_KEY:-sk_live_…} --rate 50 --burst-every 20 --duration 60

  Credentials are kept in $demo. Stop with Ctrl-C; scripts/services.sh down stops the databases.

INFO
wait "$server"
