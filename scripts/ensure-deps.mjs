#!/usr/bin/env node
// Runs before `npm start` and `npm test`: installs the exact locked dependencies when
// node_modules is missing or older than package-lock.json, so a fresh clone needs no other step.
// Plain JavaScript with Node built-ins only, because it runs before anything is installed.
import { execSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';

const stamp = 'node_modules/.cocoon-lock-sha256';
const want = createHash('sha256').update(readFileSync('package-lock.json')).digest('hex');
const have = existsSync(stamp) ? readFileSync(stamp, 'utf8').trim() : '';
if (have !== want) {
  console.log('Installing dependencies (npm ci)...');
  execSync('npm ci --no-audit --no-fund', { stdio: 'inherit' });
  writeFileSync(stamp, want);
}
