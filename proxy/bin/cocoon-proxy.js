#!/usr/bin/env node
// `npx cocoon-proxy`: the developers' local encrypting proxy, from its build (`npm run build:proxy`).
await import('../dist/main.js');
