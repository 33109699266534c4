import { randomBytes } from 'node:crypto';
import * as nodeFs from 'node:fs/promises';
import { join } from 'node:path';
import type { TeeProvider } from '@cocoon/shared/attestation/simulated';
import { CocoonError } from '@cocoon/shared/errors';

/**
 * Intel TDX quotes through Linux configfs-tsm (Documentation/ABI/testing/configfs-tsm): make a
 * report directory, write the 64-byte REPORTDATA to `inblob`, read the quote from `outblob`.
 * `generation` counts writes to the directory's attributes: if it moved between our write and
 * our read, another writer raced us and the quote may not carry our REPORTDATA, so we retry.
 */
export const CONFIGFS_TSM_ROOT = '/sys/kernel/config/tsm/report';

export type TsmFs = Pick<typeof nodeFs, 'mkdir' | 'writeFile' | 'readFile' | 'rmdir' | 'access'>;

export interface ConfigfsTsmOptions {
  root?: string;
  attempts?: number;
  fs?: TsmFs;
}

export function createConfigfsTsmProvider(opts: ConfigfsTsmOptions = {}): TeeProvider {
  const root = opts.root ?? CONFIGFS_TSM_ROOT;
  const fs = opts.fs ?? nodeFs;
  const attempts = opts.attempts ?? 3;
  const readGeneration = async (dir: string) => Number((await fs.readFile(join(dir, 'generation'), 'utf8')).trim());

  async function once(reportData: Uint8Array): Promise<Uint8Array | undefined> {
    const dir = join(root, `cocoon-${randomBytes(8).toString('hex')}`);
    await fs.mkdir(dir);
    try {
      const provider = (await fs.readFile(join(dir, 'provider'), 'utf8')).trim();
      if (provider !== 'tdx_guest') throw new CocoonError('attestation.unsupported_tee', `configfs-tsm provider is ${provider}, not tdx_guest`);
      await fs.writeFile(join(dir, 'inblob'), reportData);
      const before = await readGeneration(dir);
      const quote = new Uint8Array(await fs.readFile(join(dir, 'outblob')));
      const after = await readGeneration(dir);
      return before === after && quote.length > 0 ? quote : undefined;
    } finally {
      await fs.rmdir(dir);
    }
  }

  return {
    kind: 'tdx',
    async quote(reportData) {
      if (reportData.length !== 64) throw new RangeError('TDX REPORTDATA is 64 bytes');
      for (let i = 0; i < attempts; i++) {
        const quote = await once(reportData);
        if (quote) return quote;
      }
      throw new CocoonError('attestation.bundle_malformed', `configfs-tsm report raced ${attempts} times; no consistent quote`);
    },
  };
}

/** True where this machine is a TDX guest with configfs-tsm: the agent then uses real quotes. */
export async function configfsTsmAvailable(root = CONFIGFS_TSM_ROOT, fs: TsmFs = nodeFs): Promise<boolean> {
  try {
    await fs.access(root, nodeFs.constants.W_OK);
    return true;
  } catch {
    return false;
  }
}
