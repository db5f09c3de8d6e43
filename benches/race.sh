#!/usr/bin/env bash
# The PostgreSQL booking rush (a pass/fail check, not a timed test).
#
#   benches/race.sh                                  # 30 rounds x 64 requests, one server
#   benches/race.sh --processes 2 --rounds 5         # what CI runs
#   benches/race.sh --processes 2 --server target/release/other-build
#
# Creates a fresh database on PostgreSQL (PGHOST/PGPORT/PGUSER, default
# 127.0.0.1:5432 as postgres), builds the release server and
# `examples/race_bookings`, starts one or more `serve` processes on the
# database (8 connections each unless --pool-size says otherwise), and
# sends rounds of simultaneous bookings of one slot through them (see
# examples/race_bookings.rs). Fails unless every request is filed (201,
# confirmed or waitlisted), each round confirms as many trips as there are
# vehicles, and no vehicle or driver holds overlapping trips. Counts the
# `deadlock detected` lines the PostgreSQL log gained meanwhile, when the
# log is readable (other clients of the same cluster count too). The
# database is dropped at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
processes=1 pool_size=8 server="" demo_year="" load_args=()
while [ $# -gt 0 ]; do
    case "$1" in
        --processes) processes=$2; shift 2 ;;
        --pool-size) pool_size=$2; shift 2 ;;
        --server) server=$2; shift 2 ;;
        --rounds|--requests|--vehicles) load_args+=("$1" "$2"); shift 2 ;;
        --mixed) load_args+=("$1"); shift ;;
        --demo-year) demo_year=$2; shift 2 ;;
        *) echo "usage: $0 [--processes N] [--pool-size N] [--rounds N] [--requests N] [--vehicles N] [--server BINARY]" >&2; exit 2 ;;
    esac
done
host=${PGHOST:-127.0.0.1} port=${PGPORT:-5432} user=${PGUSER:-postgres}
target=${CARGO_TARGET_DIR:-target}
if [ -z "$server" ]; then
    cargo build --release --quiet --bin sharedoffice --example race_bookings
    server="$target/release/sharedoffice"
else
    cargo build --release --quiet --example race_bookings
fi
began=$(date +%s)
db="race_check_$$_$(date +%s)"
url="postgres://$user@$host:$port/$db"
dir=$(mktemp -d)
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
    psql -h "$host" -p "$port" -U "$user" -d postgres -q -c "DROP DATABASE IF EXISTS $db" >/dev/null 2>&1 || true
    rm -rf "$dir"
}
trap cleanup EXIT
psql -h "$host" -p "$port" -U "$user" -d postgres -v ON_ERROR_STOP=1 -q -c "CREATE DATABASE $db"
log=$(ls /var/log/postgresql/postgresql-*-main.log 2>/dev/null | head -n1 || true)
log_from=0
if [ -n "$log" ] && [ -r "$log" ]; then log_from=$(wc -l < "$log"); fi

export SHAREDOFFICE_ADMIN_PASSWORD="quản trị đo tải 2026"
export SHAREDOFFICE_JWT_SECRET="race-check-secret-$(date +%s%N)-0123456789abcdef"
export SHAREDOFFICE_DATA_DIR="$dir" RUST_LOG=warn
if [ -n "$demo_year" ]; then
    # A province's registers and a year of its demand, loaded first.
    "$server" demo generate --year "$demo_year" --out "$dir/province" > /dev/null
    "$server" --database "$url" demo load "$dir/province" | tail -1
fi
bases=()
for i in $(seq 1 "$processes"); do
    # One after the other: the first applies the migrations and creates admin.
    : > "$dir/server$i.log"
    "$server" serve --database "$url" --bind 127.0.0.1:0 --pool-size "$pool_size" \
        > "$dir/server$i.log" 2>&1 &
    pids+=($!)
    for _ in $(seq 1 100); do
        addr=$(sed -n 's/^sharedoffice listening on //p' "$dir/server$i.log" || true)
        [ -n "$addr" ] && curl -sf "$addr/ready" > /dev/null && break
        sleep 0.1
    done
    [ -n "$addr" ] || { cat "$dir/server$i.log" >&2; echo "server $i did not start" >&2; exit 1; }
    bases+=(--base "$addr")
done
echo "database $db, $processes server process(es) with $pool_size connections each, $(nproc) cores"
status=0
"$target/release/examples/race_bookings" "${bases[@]}" --database "$url" "${load_args[@]}" || status=$?
if [ -n "$log" ] && [ -r "$log" ]; then
    echo "PostgreSQL log: $(tail -n +"$((log_from + 1))" "$log" | grep -c 'deadlock detected' || true) 'deadlock detected' line(s) during the run"
fi
echo "took $(($(date +%s) - began)) s (after the build)"
exit $status
