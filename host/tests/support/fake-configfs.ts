import { mkdtempSync, rmSync } from 'node:fs';
import * as fsp from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BodyOffsets, forgeTdxQuote } from '@cocoon/shared/testing/tdx-forge';
import { readVector } from '@cocoon/shared/testing/vectors';
import type { TsmFs } from '../../attestation/configfs-tsm';

/**
 * A temporary directory laid out like configfs-tsm, with a stand-in for the kernel: a new report
 * directory gets `provider` and `generation`; writing `inblob` bumps `generation` and produces an
 * `outblob` quote (Cocoon's real quote re-signed under a look-alike chain, carrying the written
 * REPORTDATA, as the TDX module would).
 */
export function fakeKernel(opts: { provider?: string; racesBeforeSuccess?: number } = {}) {
  const root = mkdtempSync(join(tmpdir(), 'tsm-'));
  let races = opts.racesBeforeSuccess ?? 0;
  const bump = async (dir: string) => fsp.writeFile(join(dir, 'generation'), String(Number(await fsp.readFile(join(dir, 'generation'), 'utf8')) + 1));
  const fs: TsmFs = {
    access: fsp.access,
    mkdir: (async (dir: string) => {
      await fsp.mkdir(dir);
      await fsp.writeFile(join(dir, 'provider'), `${opts.provider ?? 'tdx_guest'}\n`);
      await fsp.writeFile(join(dir, 'generation'), '0\n');
      return undefined;
    }) as TsmFs['mkdir'],
    writeFile: (async (file: string, data: Uint8Array) => {
      await fsp.writeFile(file, data);
      const dir = join(file, '..');
      await bump(dir);
      const quote = await forgeTdxQuote(readVector('cocoon-tdx-v4-quote.dat'), (body) => body.set(data, BodyOffsets.reportData));
      await fsp.writeFile(join(dir, 'outblob'), quote);
    }) as TsmFs['writeFile'],
    readFile: (async (file: string, enc?: BufferEncoding) => {
      const out = await fsp.readFile(file, enc as BufferEncoding);
      // Another writer touches the report between our write and our read.
      if (file.endsWith('outblob') && races > 0) {
        races--;
        await bump(join(file, '..'));
      }
      return out;
    }) as TsmFs['readFile'],
    rmdir: (async (dir: string) => fsp.rm(dir, { recursive: true })) as TsmFs['rmdir'],
  };
  return { root, fs, cleanup: () => rmSync(root, { recursive: true, force: true }) };
}
