#!/usr/bin/env node
// `npx cocoon-broker`: the broker, from its build (`npm run build:server`).
await import('../dist/main.js');
