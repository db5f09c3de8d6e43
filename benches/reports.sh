#!/usr/bin/env bash
# Report benchmark of the fleet and asset reports (not a test).
#
#   benches/reports.sh sqlite                  # SQLite in a temporary directory
#   benches/reports.sh postgres URL            # a fresh, empty PostgreSQL database
#
# Loads the demo data into an empty database, generates a fleet and a year
# of bookings with examples/gen_fleet.rs (VEHICLES=2000, BOOKINGS=2000000,
# ASSETS=3000 by default), restarts a release server and times with
# hyperfine (RUNS=5) the baseline GET /api/v1/me and each fleet report for
# the whole year, and the asset-utilisation report, as JSON. Then streams the
# largest CSV (pool balance by hour, one row per hour of the year) and
# reports rows per second, and the server's peak RSS (VmHWM) before and
# after the reports. Needs curl and hyperfine (apt install hyperfine).
set -euo pipefail
cd "$(dirname "$0")/.."
backend=${1:-sqlite}; shift || true
vehicles=${VEHICLES:-2000}
bookings=${BOOKINGS:-2000000}
assets=${ASSETS:-3000}
runs=${RUNS:-5}
dir=$(mktemp -d)
case "$backend" in
    sqlite) url="$dir/bench.db" ;;
    postgres) url=${1:?give the URL of an empty PostgreSQL database}; shift ;;
    *) echo "usage: $0 sqlite|postgres [URL]" >&2; exit 2 ;;
esac
target=${CARGO_TARGET_DIR:-target}
cargo build --release --quiet --bin sharedoffice --example gen_fleet
bin=$target/release/sharedoffice
port=${PORT:-18091}
base="http://127.0.0.1:$port"
server=
stop() { [ -n "$server" ] && kill "$server" 2>/dev/null && wait "$server" 2>/dev/null; server=; }
trap 'stop; rm -rf "$dir"' EXIT
start() {
    SHAREDOFFICE_DATA_DIR="$dir" RUST_LOG=warn "$bin" serve --database "$url" \
        --bind "127.0.0.1:$port" "$@" > "$dir/server.log" 2>&1 &
    server=$!
    for _ in $(seq 1 100); do curl -sf "$base/ready" >/dev/null && return; sleep 0.2; done
    echo "the server did not start:" >&2; cat "$dir/server.log" >&2; exit 1
}
peak_rss() { awk '/VmHWM/ { print $2 }' "/proc/$server/status"; }

# 1. The demo data (boards, users).
start --demo
password=$(awk '$1 == "manager" && NF == 4 { print $4 }' "$dir/server.log")
stop
[ -n "$password" ] || { echo "no manager password in the demo output" >&2; exit 1; }

# 2. The fleet, the bookings and the assets.
/usr/bin/time -f "generation: %e s, peak RSS %M KiB" \
    "$target/release/examples/gen_fleet" --database "$url" \
    --vehicles "$vehicles" --bookings "$bookings" --assets "$assets"
if [ "$backend" = postgres ]; then psql -q "$url" -c 'VACUUM ANALYZE'; fi
echo "database: $backend, $(nproc) cores, $(du -sh "$dir" | cut -f1) in $dir"

# 3. The reports, as JSON, for the whole year.
start
rss_start=$(peak_rss)
token=$(curl -sf "$base/api/v1/auth/login" -H 'content-type: application/json' \
    -d "{\"username\":\"manager\",\"password\":\"$password\"}" |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])')
year=$(date +%Y)
range="from=$year-01-01&to=$year-12-31"
get() { echo "curl -sf -o /dev/null -H 'authorization: Bearer $token' '$base/api/v1/$1'"; }
hyperfine --style basic --warmup 1 --runs "$runs" --export-json "$dir/reports.json" \
    -n baseline-me "$(get me)" \
    -n vehicle-utilisation "$(get "reports/vehicle-utilisation?$range")" \
    -n driver-utilisation "$(get "reports/driver-utilisation?$range")" \
    -n pool-balance-hour "$(get "reports/pool-balance?$range&bucket=hour")" \
    -n fleet-sizing "$(get "reports/fleet-sizing?$range")" \
    -n board-usage "$(get "reports/board-usage?$range")" \
    -n asset-utilisation "$(get "reports/asset-utilisation")"
rss_json=$(peak_rss)

# 4. CSV streaming: pool balance by hour, the largest report (8,760 rows a year).
csv_url="$base/api/v1/reports/pool-balance?$range&bucket=hour&format=csv"
for i in 1 2 3; do
    curl -sf -o "$dir/pool.csv" -w '%{time_starttransfer} %{time_total}\n' \
        -H "authorization: Bearer $token" "$csv_url" >> "$dir/csv_times"
done
rows=$(($(wc -l < "$dir/pool.csv") - 1))
rss_end=$(peak_rss)
stop

echo
echo "medians (ms):"
python3 - "$dir/reports.json" "$dir/csv_times" "$rows" "$rss_start" "$rss_json" "$rss_end" <<'PY'
import json, statistics, sys
path, csv_times, rows, rss0, rss1, rss2 = sys.argv[1:]
for r in json.load(open(path))["results"]:
    print(f"  {r['command']:<22} {r['median'] * 1000:10.1f}   (min {r['min'] * 1000:.1f}, max {r['max'] * 1000:.1f})")
pairs = [tuple(map(float, l.split())) for l in open(csv_times) if l.strip()]
first = statistics.median(p[0] for p in pairs)
t = statistics.median(p[1] for p in pairs)
print(f"CSV pool-balance hour: {rows} rows in {t * 1000:.1f} ms (median of {len(pairs)}): {int(rows) / t:,.0f} rows/s;"
      f" response started after {first * 1000:.1f} ms")
print(f"server peak RSS (VmHWM): {rss0} KiB after start, {rss1} KiB after the JSON reports, {rss2} KiB after the CSV")
PY
