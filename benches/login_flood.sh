#!/usr/bin/env bash
# Sign-in flood against a release server (not a test).
#
#   benches/login_flood.sh [load options]      # e.g. --concurrency 64 --rounds 10
#
# Starts a release server on an empty SQLite database in a temporary
# directory, then runs examples/login_flood.rs: rounds of concurrent wrong
# sign-ins with distinct unknown usernames, each round from another loopback
# address, while a signed-in client keeps asking GET /api/v1/me. Prints the
# answers, the GET /me latencies and the server's resident memory.
set -euo pipefail
cd "$(dirname "$0")/.."
dir=$(mktemp -d)
cargo build --release --quiet --bin sharedoffice --example login_flood
target=${CARGO_TARGET_DIR:-target}
export SHAREDOFFICE_ADMIN_PASSWORD="quản trị đo tải 2026"
export SHAREDOFFICE_DATA_DIR="$dir" RUST_LOG=error
"$target/release/sharedoffice" serve --database "$dir/flood.db" --bind 127.0.0.1:18090 \
    > "$dir/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null; rm -rf "$dir"' EXIT
for _ in $(seq 1 50); do curl -sf http://127.0.0.1:18090/ready >/dev/null && break; sleep 0.2; done
echo "server: pid $server, $(nproc) cores"
"$target/release/examples/login_flood" --base http://127.0.0.1:18090 --pid "$server" "$@"
