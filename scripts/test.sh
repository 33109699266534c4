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
echo "== unit and integration tests"
npx vitest run
echo "== end-to-end tests"
npx vite build --mode e2e --outDir dist/web-e2e --emptyOutDir --logLevel warn
npx playwright test
