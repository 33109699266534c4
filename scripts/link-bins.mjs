#!/usr/bin/env node
// npm links the bins of dependencies into node_modules/.bin, never the root project's own. This
// links ours (package.json "bin") there too, so `npx cocoon …` and `npx cocoon-host` run this
// checkout's code and never fetch a same-named package from the registry.
import { chmodSync, mkdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { join, relative } from 'node:path';

const { bin } = JSON.parse(readFileSync('package.json', 'utf8'));
const dir = join('node_modules', '.bin');
mkdirSync(dir, { recursive: true });
for (const [name, target] of Object.entries(bin)) {
  const link = join(dir, name);
  rmSync(link, { force: true });
  symlinkSync(relative(dir, target), link);
  chmodSync(target, 0o755);
}
