#!/usr/bin/env node
// `npx cocoon-host`: the host agent, from its build (`npm run build:host`).
await import('../dist/main.js');
