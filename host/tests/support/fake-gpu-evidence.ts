import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readVectorText } from '@cocoon/shared/testing/vectors';

/** The recorded NVIDIA H100 CC report (hex) and its device chain, from the shared vectors. */
export const nvidiaVector = {
  reportHex: readVectorText('nvidia/nvtrust-hopperAttestationReport.hex').trim(),
  certChain: readVectorText('nvidia/nvtrust-hopperCertChain.pem'),
  /** The requester nonce the recorded report carries: not any nonce of ours. */
  nonceHex: '931d8dd0add203ac3d8b4fbde75e115278eefcdceac5b87671a748f32364dfcb',
};

/** What a well-behaved command prints for one GPU: the recorded vector. */
export const vectorOutput = JSON.stringify([{ report: nvidiaVector.reportHex, certChain: nvidiaVector.certChain }]);

/**
 * A GPU evidence command for tests: `gpu-evidence-command.mjs`, run by this Node, with its state in
 * a temporary directory. It prints the recorded vector until told otherwise and records every
 * nonce it is given.
 */
export function fakeGpuEvidenceCommand() {
  const dir = mkdtempSync(join(tmpdir(), 'cocoon-gpu-evidence-'));
  const script = fileURLToPath(new URL('./gpu-evidence-command.mjs', import.meta.url));
  const behave = (behaviour: 'print' | 'fail' | 'hang', stdout = '') => {
    writeFileSync(join(dir, 'behaviour'), behaviour);
    writeFileSync(join(dir, 'stdout'), stdout);
  };
  behave('print', vectorOutput);
  const command: [string, ...string[]] = [process.execPath, script, dir];
  return {
    command,
    print: (stdout: string) => behave('print', stdout),
    fail: () => behave('fail'),
    hang: () => behave('hang'),
    /** The nonces (hex) it was run with, oldest first. */
    nonces: (): string[] => (existsSync(join(dir, 'nonces')) ? readFileSync(join(dir, 'nonces'), 'utf8').split('\n').filter(Boolean) : []),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}
