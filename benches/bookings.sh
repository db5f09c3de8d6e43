#!/usr/bin/env bash
# Load run of POST /api/v1/bookings with auto-assignment (not a test).
#
#   benches/bookings.sh sqlite                 # SQLite in a temporary directory
#   benches/bookings.sh postgres URL           # a fresh, empty PostgreSQL database
#
# Registers the pool of `sharedoffice demo generate --scale 10 --no-bookings`
# (15 boards, 200 vehicles, 240 drivers of every size and licence) with
# `demo load`, starts a release server, measures the GET /api/v1/me baseline
# and then 20,000 bookings from 32 concurrent clients (clerks of the six
# provincial boards), and checks for overlaps in SQL. Extra arguments after
# the database go to the load generator (e.g. --requests 5000 --clients 16).
set -euo pipefail
cd "$(dirname "$0")/.."
backend=${1:-sqlite}; shift || true
dir=$(mktemp -d)
case "$backend" in
    sqlite) url="$dir/bench.db" ;;
    postgres) url=${1:?give the URL of an empty PostgreSQL database}; shift ;;
    *) echo "usage: $0 sqlite|postgres [URL] [load options]" >&2; exit 2 ;;
esac
cargo build --release --quiet --bin sharedoffice --example load_bookings
target=${CARGO_TARGET_DIR:-target}
export SHAREDOFFICE_ADMIN_PASSWORD="quản trị đo tải 2026"
export SHAREDOFFICE_DATA_DIR="$dir" RUST_LOG=warn
"$target/release/sharedoffice" demo generate --scale 10 --no-bookings \
    --year $(($(date +%Y) - 1)) --out "$dir/province" > /dev/null
"$target/release/sharedoffice" --database "$url" demo load "$dir/province" | tail -1
"$target/release/sharedoffice" serve \
    --database "$url" --bind 127.0.0.1:18089 --pool-size 16 > "$dir/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null; rm -rf "$dir"' EXIT
for _ in $(seq 1 50); do curl -sf http://127.0.0.1:18089/ready >/dev/null && break; sleep 0.2; done
echo "server: pid $server, database $backend, $(nproc) cores"
"$target/release/examples/load_bookings" --base http://127.0.0.1:18089 --database "$url" \
    --registered "$@"
echo "server RSS after the run: $(ps -o rss= -p $server) KiB"
