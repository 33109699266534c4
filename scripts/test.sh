#!/usr/bin/env bash
# Every test: typecheck, lint, unit and integration (Vitest), end-to-end (Playwright in Debian's Chromium).
set -euo pipefail
cd "$(dirname "$0")/.."

echo "== node $(node --version) ($(command -v node)), npm $(npm --version)"

if ! command -v chromium >/dev/null 2>&1; then
  echo "Installing Debian's chromium for the browser tests..."
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null
fi

echo "== typecheck"
npx tsc -b
echo "== lint"
npx eslint .
# The browser journeys run beside Vitest: they mostly wait on the browser and their stack, and
# together the two take minutes less than one after the other on two cores. Their output is
# printed after Vitest's, whole; either failing fails the run.
echo "== end-to-end tests start (Playwright, beside Vitest; their output follows Vitest's)"
npx vite build --mode e2e --outDir dist/web-e2e --emptyOutDir --logLevel error
mkdir -p .cache
npx playwright test > .cache/e2e.log 2>&1 &
e2e=$!
echo "== unit and integration tests"
unit=0
npx vitest run || unit=$?
e2e_status=0
wait "$e2e" || e2e_status=$?
echo "== end-to-end tests"
cat .cache/e2e.log
if [ "$unit" -ne 0 ] || [ "$e2e_status" -ne 0 ]; then
  echo "unit and integration: exit $unit; end-to-end: exit $e2e_status"
  exit 1
fi
