import * as fsp from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseTdxQuote } from '@cocoon/shared/attestation/tdx/quote';
import { isCocoonError } from '@cocoon/shared/errors';
import { toHex } from '@cocoon/shared/protocol/encoding';
import { fakeKernel } from '../tests/support/fake-configfs';
import { configfsTsmAvailable, createConfigfsTsmProvider } from './configfs-tsm';

describe('configfs-tsm TDX provider', () => {
  let cleanup = () => {};
  afterEach(() => cleanup());

  it('returns a quote that carries exactly the REPORTDATA written, and removes its report directory', async () => {
    const k = fakeKernel();
    cleanup = k.cleanup;
    const reportData = crypto.getRandomValues(new Uint8Array(64));
    const quote = await createConfigfsTsmProvider({ root: k.root, fs: k.fs }).quote(reportData);
    expect(toHex(parseTdxQuote(quote).body.reportData)).toBe(toHex(reportData));
    expect(await fsp.readdir(k.root)).toEqual([]);
  });

  it('retries when another writer races it (generation moved) and gives up after the attempts', async () => {
    const k = fakeKernel({ racesBeforeSuccess: 2 });
    cleanup = k.cleanup;
    await expect(createConfigfsTsmProvider({ root: k.root, fs: k.fs, attempts: 3 }).quote(new Uint8Array(64))).resolves.toBeInstanceOf(Uint8Array);
    const always = fakeKernel({ racesBeforeSuccess: 99 });
    const err = await createConfigfsTsmProvider({ root: always.root, fs: always.fs, attempts: 3 }).quote(new Uint8Array(64)).catch((e: unknown) => e);
    always.cleanup();
    expect(isCocoonError(err, 'attestation.bundle_malformed')).toBe(true);
  });

  it('refuses a configfs-tsm provider that is not a TDX guest', async () => {
    const k = fakeKernel({ provider: 'sev_guest' });
    cleanup = k.cleanup;
    const err = await createConfigfsTsmProvider({ root: k.root, fs: k.fs }).quote(new Uint8Array(64)).catch((e: unknown) => e);
    expect(isCocoonError(err, 'attestation.unsupported_tee')).toBe(true);
  });

  it('is detected only where the report directory exists', async () => {
    const k = fakeKernel();
    cleanup = k.cleanup;
    expect(await configfsTsmAvailable(k.root)).toBe(true);
    expect(await configfsTsmAvailable(join(k.root, 'missing'))).toBe(false);
  });
});
