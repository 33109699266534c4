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

# Typecheck and lint side by side: each runs on one core.
echo "== typecheck and lint"
npx tsc -b > /tmp/cocoon-tsc.$$.log 2>&1 & tsc_pid=$!
lint_status=0; npx eslint . || lint_status=$?
tsc_status=0; wait "$tsc_pid" || tsc_status=$?
cat /tmp/cocoon-tsc.$$.log; rm -f /tmp/cocoon-tsc.$$.log
if [ "$tsc_status" -ne 0 ] || [ "$lint_status" -ne 0 ]; then
  echo "typecheck exit $tsc_status, lint exit $lint_status"; exit 1
fi
echo "== unit and integration tests"
npx vitest run
echo "== end-to-end tests"
npx vite build --mode e2e --outDir dist/web-e2e --emptyOutDir --logLevel warn
npx playwright test
