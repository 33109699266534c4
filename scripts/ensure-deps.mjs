#!/usr/bin/env node
// Runs before `npm start`, `npm test` and `npm run bench`, so a fresh clone needs no other step:
// 1. the workspaces' locked dependencies (`npm ci`) when node_modules is missing or older than
//    package-lock.json;
// 2. the demo engine's llama.cpp binding (dev/llama: its own package and lock file, outside the
//    workspaces so that no production install carries it), likewise;
// 3. the build of the broker, host agent, CLI and proxy (scripts/build.mjs, well under a second), so
//    the `cocoon`, `cocoon-host`, `cocoon-broker` and `cocoon-proxy` bins run what the sources say.
// Plain JavaScript with Node built-ins only: it runs before anything is installed, on whatever
// Node runs npm; everything after it runs on the Node 24 the lock file installs.
import { execFileSync, execSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';

const sha = (file) => createHash('sha256').update(readFileSync(file)).digest('hex');

function ensureInstalled(dir, command, what) {
  const stamp = `${dir}/node_modules/.cocoon-lock-sha256`;
  const want = sha(`${dir}/package-lock.json`);
  if (existsSync(stamp) && readFileSync(stamp, 'utf8').trim() === want) return;
  console.log(`Installing ${what} (${command})...`);
  execSync(command, { cwd: dir, stdio: 'inherit' });
  writeFileSync(stamp, want);
}

ensureInstalled('.', 'npm ci --no-audit --no-fund', 'dependencies');
// `npm install` (it installs exactly what the lock pins) because `npm ci` insists on
// node-llama-cpp's macOS and Windows packages, which not every registry serves; optional
// packages (CUDA, Vulkan and ARM builds, ~640 MB) are left out: the demo runs on the CPU.
ensureInstalled('dev/llama', 'npm install --omit=optional --no-audit --no-fund', 'the demo engine (llama.cpp)');
execFileSync(process.execPath, ['scripts/build.mjs'], { stdio: 'inherit' });
