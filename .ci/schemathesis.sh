#!/usr/bin/env bash
# Generated requests against the served OpenAPI document (schemathesis, from PyPI): fails on
# any 5xx, on an answer that breaks its documented schema and on a status code the document
# does not list. Bounded: a small generated registry, a few examples per operation, 127.0.0.1 only.
# Usage: bash .ci/schemathesis.sh   (after the project is built; run by .ci/run)
set -euo pipefail
cd "$(dirname "$0")/.."

VENV="${ANSINH_ST_VENV:-$HOME/.cache/ansinh-schemathesis}"
if [ ! -x "$VENV/bin/schemathesis" ]; then
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q 'schemathesis==4.*'
fi

WORK="$(mktemp -d)"
DB="sqlite:$WORK/st.db"
PORT="${ANSINH_ST_PORT:-18089}"
cargo build -q --locked -p ansinh-cli
BIN="${CARGO_TARGET_DIR:-target}/debug/ansinh"
ansinh() { "$BIN" "$@"; }
ansinh migrate --database-url "$DB" >/dev/null
ansinh generate --database-url "$DB" --employers 5 --persons 60 --seed 7 >/dev/null
ANSINH_PASSWORD='schemathesis only 2026' ansinh user add --database-url "$DB" --username st.admin --role administrator >/dev/null
TOKEN="$(ansinh user token --database-url "$DB" --username st.admin --label schemathesis)"
"$BIN" serve --database-url "$DB" --addr "127.0.0.1:$PORT" >"$WORK/serve.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true; rm -rf "$WORK"' EXIT

# A wrong token would only be a warning: checked before the run instead.
for _ in $(seq 1 60); do
  curl -sf -o /dev/null -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$PORT/api/v1/me" && break
  sleep 0.5
done
curl -sf -o /dev/null -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$PORT/api/v1/me"

status=0
CI=true "$VENV/bin/schemathesis" run \
  "http://127.0.0.1:$PORT/api/v1/openapi.json" \
  --url "http://127.0.0.1:$PORT" \
  -H "Authorization: Bearer $TOKEN" \
  -c not_a_server_error,response_schema_conformance,status_code_conformance \
  -n "${ANSINH_ST_EXAMPLES:-25}" --wait-for-schema 30 --seed 1 \
  --no-color --generation-database none </dev/null || status=$?
if [ "$status" -ne 0 ]; then
  echo "--- server log (last 40 lines)"; tail -40 "$WORK/serve.log"
fi
exit "$status"
