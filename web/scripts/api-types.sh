#!/usr/bin/env bash
# src/api/schema.d.ts is generated from the service's /openapi.json (built from the Python
# code, no server needed). Without arguments: regenerate it. With --check: fail when the
# committed file no longer matches the API, so an API change breaks the UI's build in CI.
set -euo pipefail
cd "$(dirname "$0")/.."
python="${HELPDESK_PYTHON:-../.venv/bin/python}"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

"$python" scripts/dump_openapi.py > "$tmp/openapi.json"
node_modules/.bin/openapi-typescript "$tmp/openapi.json" -o "$tmp/schema.d.ts" > /dev/null

if [ "${1:-}" != "--check" ]; then
  cp "$tmp/schema.d.ts" src/api/schema.d.ts
  echo "wrote web/src/api/schema.d.ts"
  exit 0
fi
if ! diff -u src/api/schema.d.ts "$tmp/schema.d.ts" > "$tmp/diff"; then
  echo "web/src/api/schema.d.ts does not match the API's /openapi.json:" >&2
  head -n 60 "$tmp/diff" >&2
  echo "run 'make web-types', then fix what 'npm run typecheck' in web/ reports" >&2
  exit 1
fi
echo "web/src/api/schema.d.ts matches /openapi.json"
