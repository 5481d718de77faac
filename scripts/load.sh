#!/usr/bin/env bash
# Load test: builds the release binary and the load generator, starts `kairos serve` on a fresh
# database, creates a tenant, and runs crates/kairos-server/examples/load.rs against it.
#
#   scripts/load.sh sqlite                 # embedded SQLite in a temporary directory
#   scripts/load.sh postgres [BASE_URL]    # a fresh database on BASE_URL (default postgres://root@127.0.0.1:5432/test)
#
# CONNECTIONS (64), SECONDS_PER_PHASE (10) and HOSTS (1: every request to one host) tune the run;
# BIN_DIR skips the build and runs the binaries in that directory. Each phase reports the server's
# CPU time per request (user + system from /proc), the figure to judge a change by on a shared
# machine. Figures go to docs/performance.md by hand.
set -euo pipefail
cd "$(dirname "$0")/.."
backend=${1:-sqlite}
connections=${CONNECTIONS:-64}
seconds=${SECONDS_PER_PHASE:-10}
port=${PORT:-18090}
hosts=${HOSTS:-1}

# BIN_DIR=DIR runs binaries built earlier (DIR/kairos, DIR/examples/load), e.g. for A/B runs.
if [ -n "${BIN_DIR:-}" ]; then
    bin=$BIN_DIR
else
    cargo build --release --bin kairos --example load
    bin=${CARGO_TARGET_DIR:-target}/release
fi
work=$(mktemp -d)
cleanup() {
    [ -n "${server:-}" ] && kill "$server" 2>/dev/null || true
    wait 2>/dev/null || true
    if [ "$backend" = postgres ]; then
        psql "${base_url}" -qc "DROP DATABASE IF EXISTS ${dbname} WITH (FORCE)" >/dev/null || true
    fi
    rm -rf "$work"
}
trap cleanup EXIT

case "$backend" in
    sqlite) url="sqlite://$work/kairos.db" ;;
    postgres)
        base_url=${2:-postgres://root@127.0.0.1:5432/test}
        dbname="kairos_load_$$"
        psql "$base_url" -qc "CREATE DATABASE ${dbname}" >/dev/null
        url="${base_url%/*}/${dbname}" ;;
    *) echo "usage: $0 sqlite|postgres [BASE_URL]" >&2; exit 2 ;;
esac

# The outbox worker stays on (production runs it); its .eml files go to the scratch directory.
export KAIROS_DATABASE_URL="$url" KAIROS_DEMO=false KAIROS_RATE_LIMIT_PER_MINUTE=0 RUST_LOG=warn \
    KAIROS_MAIL_DIR="$work/mail"
token=$("$bin/kairos" tenant create --slug load --name "Load test" --admin-email load@example.com \
    | python3 -c 'import json,sys; print(json.load(sys.stdin)["apiToken"])')
"$bin/kairos" serve --bind "127.0.0.1:$port" &
server=$!
for _ in $(seq 1 50); do curl -sf "http://127.0.0.1:$port/readyz" >/dev/null && break; sleep 0.2; done

echo "backend: $backend, connections: $connections, seconds per phase: $seconds, hosts: $hosts"
"$bin/examples/load" --base "http://127.0.0.1:$port" --token "$token" --tenant load \
    --connections "$connections" --seconds "$seconds" --hosts "$hosts" --server-pid "$server" \
    | tee "$work/load.txt"

# The same slot query through wrk (Debian package `wrk`), whose client costs far less CPU than
# the Rust generator on these two shared cores.
if command -v wrk >/dev/null; then
    slots_url=$(sed -n 's/^slots url: //p' "$work/load.txt")
    echo "wrk, slots GETs (30-day range, first host):"
    cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$server/stat"; }
    before=$(cpu_ticks)
    wrk -t2 -c"$connections" -d"${seconds}s" --latency "$slots_url" > "$work/wrk.txt"
    after=$(cpu_ticks)
    grep -E "Requests/sec|Latency|50%|99%|Non-2xx" "$work/wrk.txt"
    requests=$(sed -n 's/^ *\([0-9]*\) requests in.*/\1/p' "$work/wrk.txt")
    python3 -c "import os,sys; t=os.sysconf('SC_CLK_TCK'); n=int(sys.argv[3]); print(f'  server CPU {(int(sys.argv[2])-int(sys.argv[1]))/t/n*1e6:.0f} µs/request over {n} requests')" \
        "$before" "$after" "$requests"
fi
