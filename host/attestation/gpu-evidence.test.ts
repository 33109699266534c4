import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import pino from 'pino';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { fromHex, toHex } from '@cocoon/shared/protocol/encoding';
import { fakeGpuEvidenceCommand, nvidiaVector, vectorOutput } from '../tests/support/fake-gpu-evidence';
import { createCommandGpuEvidenceSource, resolveGpuEvidenceSource } from './gpu-evidence';

const nonce = Uint8Array.from({ length: 32 }, (_, i) => i);
const unavailable = (reason: string | RegExp) => ({ code: 'attestation.gpu_evidence_unavailable', message: reason });

describe('GPU evidence from an operator command', () => {
  const fake = fakeGpuEvidenceCommand();
  const source = createCommandGpuEvidenceSource({ command: fake.command, timeoutMs: 5_000 });
  afterEach(() => fake.print(vectorOutput));
  afterAll(() => fake.cleanup());

  it('passes the nonce as hex in the last argument and returns each GPU report and chain', async () => {
    expect(await source.collect(nonce)).toEqual([{ report: fromHex(nvidiaVector.reportHex), certChainPem: nvidiaVector.certChain }]);
    expect(fake.nonces().at(-1)).toBe(toHex(nonce));
  });

  it('returns one entry per GPU, in the order printed', async () => {
    fake.print(JSON.stringify([{ report: 'AB01', certChain: nvidiaVector.certChain }, { report: 'cd02', certChain: nvidiaVector.certChain }]));
    expect((await source.collect(nonce)).map((g) => toHex(g.report))).toEqual(['ab01', 'cd02']);
  });

  it.each([
    ['output that is not JSON', 'nvidia-smi: command not found', /printed something that is not JSON$/],
    ['no GPUs', '[]', /not in the expected shape \(output: no GPUs reported\)$/],
    ['a report that is not hex', JSON.stringify([{ report: 'xyz', certChain: nvidiaVector.certChain }]), /\(0\.report: expected hex\)$/],
    ['a chain that is not PEM', JSON.stringify([{ report: 'ab', certChain: 'MIIB' }]), /\(0\.certChain: expected PEM certificates\)$/],
  ])('refuses %s with attestation.gpu_evidence_unavailable', async (_, stdout, reason) => {
    fake.print(stdout);
    await expect(source.collect(nonce)).rejects.toMatchObject(unavailable(reason));
  });

  it('reports a non-zero exit with the last line the command wrote to stderr', async () => {
    fake.fail();
    await expect(source.collect(nonce)).rejects.toMatchObject(unavailable('GPU evidence command: exited with code 3: NVML: Driver Not Loaded'));
  });

  it('kills a command that runs past its time limit', async () => {
    fake.hang();
    const quick = createCommandGpuEvidenceSource({ command: fake.command, timeoutMs: 300 });
    await expect(quick.collect(nonce)).rejects.toMatchObject(unavailable('GPU evidence command: did not finish within 0.3 s'));
  });

  it('reports a command that cannot be run', async () => {
    const missing = createCommandGpuEvidenceSource({ command: ['/nonexistent/cocoon-gpu-evidence'] });
    await expect(missing.collect(nonce)).rejects.toMatchObject(unavailable('GPU evidence command: could not be run (ENOENT)'));
  });

  it('takes only a 32-byte nonce', async () => {
    await expect(source.collect(nonce.slice(1))).rejects.toThrow(RangeError);
  });
});

describe('resolveGpuEvidenceSource', () => {
  const warnings: string[] = [];
  const logger = pino({ level: 'warn' }, { write: (line: string) => void warnings.push(line) });
  const device = join(tmpdir(), `cocoon-fake-nvidia0-${process.pid}`);
  writeFileSync(device, '');
  afterAll(() => rmSync(device));

  it('collects in auto mode when a command is configured, never when off', () => {
    expect(resolveGpuEvidenceSource({ mode: 'auto', command: ['/opt/gpu-evidence'] }, logger, device)).toBeDefined();
    expect(resolveGpuEvidenceSource({ mode: 'off', command: ['/opt/gpu-evidence'] }, logger, device)).toBeUndefined();
  });

  it('says so in the log when an NVIDIA device is present but nothing is collected', () => {
    warnings.length = 0;
    expect(resolveGpuEvidenceSource({ mode: 'auto' }, logger, device)).toBeUndefined();
    expect(warnings).toHaveLength(1);
    expect(resolveGpuEvidenceSource({ mode: 'auto' }, logger, `${device}-absent`)).toBeUndefined();
    expect(warnings).toHaveLength(1);
  });
});
