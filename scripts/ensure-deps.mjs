#!/usr/bin/env node
// Runs before `npm start` and `npm test`: installs the locked dependencies when
// node_modules is missing or older than package-lock.json, so a fresh clone needs no other step.
// Plain JavaScript with Node built-ins only, because it runs before anything is installed.
import { execSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';

const stamp = 'node_modules/.cocoon-lock-sha256';
const want = createHash('sha256').update(readFileSync('package-lock.json')).digest('hex');
const have = existsSync(stamp) ? readFileSync(stamp, 'utf8').trim() : '';
if (have !== want) {
  // `npm install` rather than `npm ci`: it installs exactly what package-lock.json pins, but
  // tolerates node-llama-cpp's optional platform packages (macOS, Windows) that this registry
  // does not serve and so cannot be in the lock file, where `npm ci` refuses to start.
  console.log('Installing dependencies (npm install, from package-lock.json)...');
  execSync('npm install --no-audit --no-fund', { stdio: 'inherit' });
  writeFileSync(stamp, want);
}
