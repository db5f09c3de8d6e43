#!/usr/bin/env bash
# Report benchmark of the fleet and asset reports (not a test).
#
#   benches/reports.sh sqlite                  # SQLite in a temporary directory
#   benches/reports.sh postgres URL            # a fresh, empty PostgreSQL database
#   SCALE=10 benches/reports.sh sqlite         # a tenth of the data
#
# Builds the data the way a province would be loaded, with the demo
# generator (docs/import.md): `demo generate --scale SCALE` (default 100:
# 105 boards, 2,000 vehicles, 2,400 drivers, 30,000 assets) writes the
# registers as of last year's end and, from the same seed, this year's two
# million trip requests; `demo load` imports the registers; two accounts
# are added (admin, the requester of the loaded trips, and manager, who
# reads the reports); `demo load-bookings` replays the year on the pool —
# completed or unfulfilled up to now, confirmed (vehicle and driver held) or
# waitlisted after, 7 % cancelled and 1 % rejected. The manager then files
# REQUESTS asset requests through the API (default 300: a third ask for an
# idle asset of another board, the rest buy anyway), for the
# asset-utilisation report.
#
# Then restarts a release server and times with hyperfine (RUNS=5) the
# baseline GET /api/v1/me and each fleet report for the whole year, and the
# asset-utilisation report, as JSON. Then restarts the server and streams
# the largest CSV (vehicle utilisation per vehicle per day) three times,
# and reports rows per second and the server's peak RSS (VmHWM) before
# and after: the JSON reports' and the CSV's apart.
# Needs curl, python3 and hyperfine (apt install hyperfine).
set -euo pipefail
cd "$(dirname "$0")/.."
backend=${1:-sqlite}; shift || true
scale=${SCALE:-100}
requests=${REQUESTS:-300}
runs=${RUNS:-5}
dir=$(mktemp -d)
case "$backend" in
    sqlite) url="$dir/bench.db" ;;
    postgres) url=${1:?give the URL of an empty PostgreSQL database}; shift ;;
    *) echo "usage: $0 sqlite|postgres [URL]" >&2; exit 2 ;;
esac
target=${CARGO_TARGET_DIR:-target}
cargo build --release --quiet --bin sharedoffice
bin=$target/release/sharedoffice
export SHAREDOFFICE_DATABASE_URL="$url" SHAREDOFFICE_DATA_DIR="$dir" RUST_LOG=warn
port=${PORT:-18091}
base="http://127.0.0.1:$port"
server=
stop() { [ -n "$server" ] && kill "$server" 2>/dev/null && wait "$server" 2>/dev/null; server=; }
trap 'stop; rm -rf "$dir"' EXIT
start() {
    "$bin" serve --bind "127.0.0.1:$port" "$@" > "$dir/server.log" 2>&1 &
    server=$!
    for _ in $(seq 1 100); do curl -sf "$base/ready" >/dev/null && return; sleep 0.2; done
    echo "the server did not start:" >&2; cat "$dir/server.log" >&2; exit 1
}
peak_rss() { awk '/VmHWM/ { print $2 }' "/proc/$server/status"; }
timed() { local label=$1; shift; /usr/bin/time -f "$label: %e s, peak RSS %M KiB" "$@"; }

# 1. The province: the registers as the boards hold them (acquired up to
# last year's end), and this year's demand from the same seed and scale.
year=$(date +%Y)
timed "generate registers" "$bin" demo generate --scale "$scale" --year $((year - 1)) \
    --no-bookings --out "$dir/province" > /dev/null
timed "generate bookings" "$bin" demo generate --scale "$scale" --year "$year" \
    --out "$dir/demand" > /dev/null
timed "load registers" "$bin" demo load "$dir/province" | tail -1

# 2. The accounts: admin requests the loaded trips, manager reads the reports.
password="báo cáo đo tải $year"
for who in admin:admin:"Quản trị hệ thống" manager:manager:"Lãnh đạo Văn phòng"; do
    IFS=: read -r username role full_name <<< "$who"
    printf '%s\n' "$password" |
        "$bin" user add --username "$username" --role "$role" --full-name "$full_name" > /dev/null
done

# 3. The year of trip requests.
timed "load bookings" "$bin" demo load-bookings "$dir/demand" --requester admin \
    --progress-every 1000000
if [ "$backend" = postgres ]; then psql -q "$url" -c 'VACUUM ANALYZE'; fi

login() {
    curl -sf "$base/api/v1/auth/login" -H 'content-type: application/json' \
        -d "{\"username\":\"manager\",\"password\":\"$password\"}" |
        python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])'
}

# 4. Open asset requests, filed by the manager for the boards.
start
token=$(login)
python3 - "$base" "$token" "$requests" <<'PY'
import json, sys, urllib.request
base, token, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
def call(method, path, body=None):
    req = urllib.request.Request(base + path, method=method,
        data=None if body is None else json.dumps(body).encode(),
        headers={"authorization": "Bearer " + token, "content-type": "application/json"})
    try:
        with urllib.request.urlopen(req) as r:
            return r.status, json.load(r)
    except urllib.error.HTTPError as e:
        return e.code, json.load(e)
def pages(path):
    out, cursor = [], None
    while True:
        sep = "&" if "?" in path else "?"
        _, page = call("GET", path + sep + "limit=500" + (f"&cursor={cursor}" if cursor else ""))
        out += page["items"]
        cursor = page.get("next_cursor")
        if not cursor:
            return out
boards = [b["id"] for b in pages("/api/v1/boards")]
idle = pages("/api/v1/assets?status=idle")
categories = sorted({a["category"] for a in idle}) or ["computer"]
filed = {}
for i in range(n):
    board = boards[(i * 7) % len(boards)]
    others = [a for a in idle[i::97] if a["custodian_board_id"] != board]
    if i % 3 == 0 and others:
        body = {"kind": "transfer_in", "board_id": board, "asset_id": others[0]["id"],
                "description": f"Nhận tài sản không sử dụng (đề nghị {i + 1})"}
    else:
        body = {"kind": "procurement", "board_id": board,
                "category": categories[i % len(categories)], "buy_anyway": True,
                "amount": str(5_000_000 + (i * 1_700_000) % 40_000_000),
                "description": f"Đề nghị mua sắm số {i + 1}"}
    status, _ = call("POST", "/api/v1/asset-requests", body)
    filed[status] = filed.get(status, 0) + 1
print(f"asset requests: {filed} ({len(idle)} idle assets, {len(boards)} boards)")
PY
stop
echo "database: $backend, scale $scale, $(nproc) cores, $(du -sh "$dir" | cut -f1) in $dir"

# 5. The reports, as JSON, for the whole year.
start
rss_start=$(peak_rss)
token=$(login)
range="from=$year-01-01&to=$year-12-31"
get() { echo "curl -sf -o /dev/null -H 'authorization: Bearer $token' '$base/api/v1/$1'"; }
hyperfine --style basic --warmup 1 --runs "$runs" --export-json "$dir/reports.json" \
    -n baseline-me "$(get me)" \
    -n vehicle-utilisation "$(get "reports/vehicle-utilisation?$range")" \
    -n vehicle-utilisation-day "$(get "reports/vehicle-utilisation?$range&group=day")" \
    -n driver-utilisation "$(get "reports/driver-utilisation?$range")" \
    -n pool-balance-hour "$(get "reports/pool-balance?$range&bucket=hour")" \
    -n fleet-sizing "$(get "reports/fleet-sizing?$range")" \
    -n board-usage "$(get "reports/board-usage?$range")" \
    -n asset-utilisation "$(get "reports/asset-utilisation")"
rss_json=$(peak_rss)

stop

# 6. CSV streaming, on a freshly started server so its memory is the
# CSV's alone: vehicle utilisation per vehicle per day, the largest report
# (vehicles × days of the year, 730,000 rows at scale 100).
start
rss_csv_start=$(peak_rss)
csv_url="$base/api/v1/reports/vehicle-utilisation?$range&group=vehicle_day&format=csv"
for i in 1 2 3; do
    curl -sf -o "$dir/vehicle_day.csv" -w '%{time_starttransfer} %{time_total}\n' \
        -H "authorization: Bearer $token" "$csv_url" >> "$dir/csv_times"
done
rows=$(($(wc -l < "$dir/vehicle_day.csv") - 1))
rss_end=$(peak_rss)
stop

echo
echo "medians (ms):"
python3 - "$dir/reports.json" "$dir/csv_times" "$rows" "$rss_start" "$rss_json" "$rss_csv_start" "$rss_end" <<'PY'
import json, statistics, sys
path, csv_times, rows, rss0, rss1, rss2, rss3 = sys.argv[1:]
for r in json.load(open(path))["results"]:
    print(f"  {r['command']:<22} {r['median'] * 1000:10.1f}   (min {r['min'] * 1000:.1f}, max {r['max'] * 1000:.1f})")
pairs = [tuple(map(float, l.split())) for l in open(csv_times) if l.strip()]
first = statistics.median(p[0] for p in pairs)
t = statistics.median(p[1] for p in pairs)
print(f"CSV vehicle-utilisation per vehicle per day: {rows} rows in {t * 1000:.1f} ms (median of {len(pairs)}): {int(rows) / t:,.0f} rows/s;"
      f" response started after {first * 1000:.1f} ms")
print(f"server peak RSS (VmHWM): {rss0} KiB after start, {rss1} KiB after the JSON reports")
print(f"CSV server peak RSS (VmHWM): {rss2} KiB after start, {rss3} KiB after three downloads:"
      f" {(int(rss3) - int(rss2)) / 1024:.1f} MB growth")
PY
