#!/usr/bin/env bash
# Throughput of the consolidation import from the command line (not a test).
#
#   benches/import.sh sqlite                 # SQLite in a temporary directory
#   benches/import.sh postgres URL           # an empty PostgreSQL database
#
# Writes an asset register of ROWS rows (default 100,000; Vietnamese headers,
# semicolons, day-first dates, 1.250.000 amounts), creates the board, then
# times a dry run, the import, and a re-import (every row unchanged), and
# prints rows per second for each. The target is at least 20,000 rows/s.
set -euo pipefail
cd "$(dirname "$0")/.."
backend=${1:-sqlite}; shift || true
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
case "$backend" in
    sqlite) url="$dir/bench.db" ;;
    postgres) url=${1:?give the URL of an empty PostgreSQL database}; shift ;;
    *) echo "usage: $0 sqlite|postgres [URL]" >&2; exit 2 ;;
esac
rows=${ROWS:-100000}
target=${CARGO_TARGET_DIR:-target}
cargo build --release --quiet --bin sharedoffice
bin="$target/release/sharedoffice"
export SHAREDOFFICE_DATABASE_URL="$url" SHAREDOFFICE_DATA_DIR="$dir" RUST_LOG=warn

printf 'code,name\nBEN,Ban đo tải\n' > "$dir/boards.csv"
"$bin" demo load "$dir" > /dev/null

awk -v n="$rows" 'BEGIN {
    printf "\xef\xbb\xbfSTT;Mã tài sản;Tên tài sản;Loại tài sản;Nguyên giá (đồng);Hao mòn lũy kế;Ngày đưa vào sử dụng;Vị trí;Tình trạng\n";
    split("computer projector office_equipment furniture", cat, " ");
    for (i = 1; i <= n; i++) {
        cost = 1000000 + (i * 7919) % 90000000;
        printf "%d;BEN-%07d;Tài sản số %d;%s;%d.%03d.000;0;%02d/%02d/20%02d;Phòng %d;Đang sử dụng\n",
            i, i, i, cat[i % 4 + 1], int(cost / 1000000), int(cost / 1000) % 1000,
            i % 28 + 1, i % 12 + 1, 10 + i % 15, 100 + i % 40;
    }
}' > "$dir/assets.csv"
echo "$rows asset rows ($(du -h "$dir/assets.csv" | cut -f1)), database $backend, $(nproc) cores"

run() {
    local label=$1; shift
    local start end
    start=$(date +%s.%N)
    "$bin" import assets --board BEN "$dir/assets.csv" --progress-every 1000000 "$@" | tail -1
    end=$(date +%s.%N)
    awk -v l="$label" -v n="$rows" -v s="$start" -v e="$end" \
        'BEGIN { printf "%-10s %6.2f s  %8.0f rows/s\n", l, e - s, n / (e - s) }'
}
run "dry run" --dry-run
run "import"
run "re-import"
