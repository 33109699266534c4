// A stand-in for an operator's GPU evidence command (the contract is in
// host/attestation/gpu-evidence.ts): argv is <state dir> <nonce hex>. It appends the nonce to
// <dir>/nonces, then does what <dir>/behaviour says: `print` writes <dir>/stdout to stdout, `fail`
// exits 3 complaining as NVML does without a driver, `hang` never finishes.
import { appendFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const [dir, nonce] = process.argv.slice(2);
appendFileSync(join(dir, 'nonces'), `${nonce}\n`);
switch (readFileSync(join(dir, 'behaviour'), 'utf8')) {
  case 'print':
    process.stdout.write(readFileSync(join(dir, 'stdout')));
    break;
  case 'fail':
    process.stderr.write('querying GPU 0\nNVML: Driver Not Loaded\n');
    process.exitCode = 3;
    break;
  case 'hang':
    setInterval(() => {}, 60_000);
    break;
}
