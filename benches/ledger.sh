#!/usr/bin/env bash
# Report benchmark of the finance ledger (not a test).
#
#   benches/ledger.sh sqlite                  # SQLite in a temporary directory
#   benches/ledger.sh postgres URL            # a fresh, empty PostgreSQL database
#
# Loads the demo data into an empty database, generates journal lines with
# examples/gen_ledger.rs (default 1,000,000; LINES=… to change), then times
# with hyperfine, against a release server, the baseline GET /api/v1/me and
# the trial balance and budget execution of the whole year, as JSON and CSV.
# Finally exports the journal for hledger and times `hledger balance` on it.
# Needs curl, hyperfine and hledger (apt install hyperfine hledger).
set -euo pipefail
cd "$(dirname "$0")/.."
backend=${1:-sqlite}; shift || true
lines=${LINES:-1000000}
runs=${RUNS:-20}
dir=$(mktemp -d)
case "$backend" in
    sqlite) url="$dir/bench.db" ;;
    postgres) url=${1:?give the URL of an empty PostgreSQL database}; shift ;;
    *) echo "usage: $0 sqlite|postgres [URL]" >&2; exit 2 ;;
esac
cargo build --release --quiet --bin sharedoffice --example gen_ledger
bin=target/release/sharedoffice
port=18090
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

# 1. The demo data (boards, users, chart, norms, this year's allocations).
start --demo
password=$(awk '$1 == "finance" && NF == 4 { print $4 }' "$dir/server.log")
stop
[ -n "$password" ] || { echo "no finance password in the demo output" >&2; exit 1; }

# 2. The journal.
target/release/examples/gen_ledger --database "$url" --lines "$lines"
if [ "$backend" = postgres ]; then psql -q "$url" -c 'VACUUM ANALYZE'; fi
echo "database: $backend, $(nproc) cores, $(du -sh "$dir" | cut -f1) in $dir"

# 3. The reports.
start
token=$(curl -sf "$base/api/v1/auth/login" -H 'content-type: application/json' \
    -d "{\"username\":\"finance\",\"password\":\"$password\"}" |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])')
year=$(date +%Y)
get() { echo "curl -sf -o /dev/null -H 'authorization: Bearer $token' '$base/api/v1/$1'"; }
hyperfine --style basic --warmup 2 --runs "$runs" --export-json "$dir/reports.json" \
    -n baseline-me "$(get me)" \
    -n trial-balance "$(get "reports/trial-balance?from=$year-01-01&to=$year-12-31")" \
    -n trial-balance-csv "$(get "reports/trial-balance?from=$year-01-01&to=$year-12-31&format=csv")" \
    -n budget-execution "$(get "reports/budget-execution?fiscal_year=$year")" \
    -n budget-execution-csv "$(get "reports/budget-execution?fiscal_year=$year&format=csv")"
echo "server RSS after the reports: $(ps -o rss= -p "$server") KiB"
stop

# 4. The same journal in hledger.
/usr/bin/time -f "export: %e s, peak RSS %M KiB" \
    "$bin" export journal --database "$url" --format hledger -o "$dir/office.journal"
hyperfine --style basic --warmup 1 --runs 3 --export-json "$dir/hledger.json" \
    -n hledger-balance "hledger -f '$dir/office.journal' balance"
/usr/bin/time -f "hledger balance: peak RSS %M KiB" \
    hledger -f "$dir/office.journal" balance > /dev/null

echo
echo "medians (ms):"
python3 - "$dir/reports.json" "$dir/hledger.json" <<'EOF'
import json, sys
for path in sys.argv[1:]:
    for r in json.load(open(path))["results"]:
        print(f"  {r['command']:<22} {r['median'] * 1000:10.1f}   (min {r['min'] * 1000:.1f}, max {r['max'] * 1000:.1f})")
EOF
