#!/usr/bin/env node
// `npx cocoon`: the CLI, from its build (`npm run build:cli`).
await import('../dist/main.js');
