#!/usr/bin/env bash
# Contract check: schemathesis against the release build's demo server, as an
# administrator and as a board clerk. Fails on any server error and on any
# answer (status, content type, headers, body) that api.yaml does not
# describe.
#
#   .ci/contract.sh              # the bounded check CI runs
#   CONTRACT_EXAMPLES=200 .ci/contract.sh   # more cases per operation
#   CONTRACT_BIN=path/to/sharedoffice .ci/contract.sh   # a binary built before
#
# The venv with the pinned schemathesis is kept under the cargo target
# directory, so local runs install it once; CI builds it fresh.
set -euo pipefail
cd "$(dirname "$0")/.."

ST_VERSION=4.32.5
EXAMPLES="${CONTRACT_EXAMPLES:-25}"
SEED="${CONTRACT_SEED:-16}"
target="${CARGO_TARGET_DIR:-target}"
venv="$target/contract-venv/schemathesis-$ST_VERSION"

step() { printf '\n== %s\n' "$*"; }

if [ ! -x "$venv/bin/st" ]; then
    step "schemathesis $ST_VERSION (PyPI) into $venv"
    rm -rf "$venv"
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check "schemathesis==$ST_VERSION"
fi

if [ -n "${CONTRACT_BIN:-}" ]; then
    bin="$CONTRACT_BIN"
else
    step "cargo build --release"
    cargo build --release --quiet
    bin="$target/release/sharedoffice"
fi

work=$(mktemp -d)
server_pid=
cleanup() {
    if [ -n "$server_pid" ]; then
        kill "$server_pid" 2>/dev/null || true
        wait "$server_pid" 2>/dev/null || true
    fi
    rm -rf "$work"
}
trap cleanup EXIT

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
base="http://127.0.0.1:$port"

step "demo server on $base (data in $work)"
SHAREDOFFICE_DATA_DIR="$work/data" SHAREDOFFICE_LOG_FORMAT=json \
    "$bin" serve --demo --bind "127.0.0.1:$port" >"$work/server.out" 2>"$work/server.log" &
server_pid=$!
for _ in $(seq 1 120); do
    curl -fsS "$base/ready" >/dev/null 2>&1 && break
    kill -0 "$server_pid" 2>/dev/null || { cat "$work/server.out" "$work/server.log"; exit 1; }
    sleep 0.5
done
curl -fsS "$base/ready" >/dev/null

# `serve --demo` prints "  <username> <role> <board> <password>" per account.
password_of() { awk -v u="$1" '$1 == u { print $NF }' "$work/server.out"; }
token_of() {
    local body
    body=$(jq -n --arg u "$1" --arg p "$(password_of "$1")" '{username: $u, password: $p}')
    curl -fsS "$base/api/v1/auth/login" -H 'content-type: application/json' -d "$body" |
        jq -er .access_token
}

status=0
# The clerk first: the administrator's run may change accounts (a clerk's
# board, role or password), which would end the clerk's sign-in.
for user in clerk.btc admin; do
    step "schemathesis as $user: all checks, $EXAMPLES examples per operation, seed $SEED"
    token=$(token_of "$user")
    start=$(date +%s)
    if ! "$venv/bin/st" --config-file .ci/schemathesis.toml run "$base/api/v1/openapi.yaml" \
        --url "$base" \
        --header "Authorization: Bearer $token" \
        --checks all \
        --max-examples "$EXAMPLES" \
        --seed "$SEED" \
        --workers 2 \
        --no-color \
        --report junit --report-dir "$work/report-$user"; then
        status=1
    fi
    echo "as $user: $(($(date +%s) - start)) s"
    # actix logs a request it cannot parse (a header schemathesis made
    # invalid on purpose) at ERROR before any handler runs; that is the
    # client's fault and is answered 400, so it is not counted.
    errors=$(grep '"level":"ERROR"' "$work/server.log" |
        grep -v '"message":"stream error: request parse error: ' || true)
    if [ -n "$errors" ]; then
        echo "the server logged errors:"
        echo "$errors" | tail -20
        status=1
    fi
done

if [ "$status" -ne 0 ]; then
    echo "contract check FAILED: the server and api.yaml disagree (see above)"
    exit 1
fi
step "contract check passed"
