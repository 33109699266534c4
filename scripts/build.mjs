#!/usr/bin/env node
// `npm run build` (and before `npm start` / `npm test`): compiles the broker, the host agent, the
// CLI and the developer proxy to plain JavaScript in <part>/dist/, so production runs built files and never tsx.
// Each part's own TypeScript and the @cocoon/shared sources it uses are bundled into one ES module;
// every other package stays an import, resolved from that part's installed dependencies.
//   node scripts/build.mjs [server] [host] [cli] [proxy]      (no argument: all four)
import { build } from 'esbuild';
import { cpSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const PARTS = {
  server: { entry: 'server/main.ts', assets: [['server/db/migrations', 'server/dist/migrations']] },
  host: { entry: 'host/main.ts', assets: [] },
  cli: { entry: 'cli/main.ts', assets: [] },
  proxy: { entry: 'proxy/main.ts', assets: [] },
};

/** Our workspace packages are TypeScript sources: bundle them. Everything else is a dependency. */
const externalDependencies = {
  name: 'external-dependencies',
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, (args) => {
      if (args.path.startsWith('@cocoon/')) {
        if (!args.path.startsWith('@cocoon/shared/')) throw new Error(`${args.importer}: production code may import only @cocoon/shared, not ${args.path}`);
        return undefined;
      }
      return { path: args.path, external: true };
    });
  },
};

const wanted = process.argv.slice(2);
for (const name of wanted.length ? wanted : Object.keys(PARTS)) {
  const part = PARTS[name];
  if (!part) throw new Error(`unknown part ${name}: expected ${Object.keys(PARTS).join(', ')}`);
  const outdir = `${root}${name}/dist`;
  rmSync(outdir, { recursive: true, force: true });
  await build({
    absWorkingDir: root,
    entryPoints: [part.entry],
    outfile: `${outdir}/main.js`,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node22',
    sourcemap: true,
    legalComments: 'none',
    logLevel: 'warning',
    plugins: [externalDependencies],
  });
  for (const [from, to] of part.assets) cpSync(`${root}${from}`, `${root}${to}`, { recursive: true });
}
