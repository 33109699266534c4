import { describe, expect, it } from 'vitest';
import { generateSigningKeyPair } from '../crypto/ed25519';
import { toB64u } from '../protocol/encoding';
import { readVector } from '../testing/vectors';
import { PolicyDataSchema, signPolicy, verifySignedPolicy, type SignedPolicy } from './policy';
import { verifyTdxQuote } from './tdx/verify-quote';

const now = new Date('2026-11-22T12:00:00Z');
const cocoon = readVector('cocoon-tdx-v4-quote.dat');
const data = {
  version: 2 as const,
  sequence: 7,
  allowSimulated: false,
  engines: [],
  webBuilds: ['cd'.repeat(32)],
  gpuReferences: [],
  images: [{ name: 'cocoon-1.0', mrTd: 'AB'.repeat(48), rtmr0: '00'.repeat(48), rtmr1: '01'.repeat(48), rtmr2: '02'.repeat(48) }],
  acceptedTcbStatuses: ['UpToDate' as const, 'SWHardeningNeeded' as const],
  maxCollateralAgeDays: 30,
  allowedGpuFirmware: ['96.00.9F.00.01'],
  expiresAt: Math.floor(now.getTime() / 1000) + 86_400,
};

describe('signed policy', () => {
  it('verifies under a pinned operator key and returns usable policy data (hex lower-cased)', async () => {
    const key = await generateSigningKeyPair();
    const policy = await verifySignedPolicy(await signPolicy(data, key), [toB64u(key.publicKey)], now);
    expect([policy.images[0]?.mrTd, policy.acceptedTcbStatuses, policy.maxCollateralAgeDays]).toEqual(['ab'.repeat(48), ['UpToDate', 'SWHardeningNeeded'], 30]);
    const r = await verifyTdxQuote(cocoon, { policy, now });
    expect(r.checks.find((c) => c.name === 'td.measurements')).toMatchObject({ ok: false, reason: 'MRTD 7357a10d2e2724df... is in no allowed image' });
  });

  it('survives a JSON round trip (what a file or the network does to it)', async () => {
    const key = await generateSigningKeyPair();
    const wire = JSON.parse(JSON.stringify(await signPolicy(data, key), null, 2)) as unknown;
    await expect(verifySignedPolicy(wire, [toB64u(key.publicKey)], now)).resolves.toMatchObject({ version: 2, sequence: 7 });
  });

  it('refuses a policy signed by a key that is not pinned', async () => {
    const [key, pinned] = [await generateSigningKeyPair(), await generateSigningKeyPair()];
    await expect(verifySignedPolicy(await signPolicy(data, key), [toB64u(pinned.publicKey)], now)).rejects.toMatchObject({ code: 'attestation.policy_invalid', message: 'the policy is not signed by a pinned operator key' });
  });

  it('refuses a policy changed after signing', async () => {
    const key = await generateSigningKeyPair();
    const signed = await signPolicy(data, key);
    const widened: SignedPolicy = { ...signed, policy: { ...signed.policy, acceptedTcbStatuses: ['UpToDate', 'OutOfDate'] } };
    await expect(verifySignedPolicy(widened, [toB64u(key.publicKey)], now)).rejects.toMatchObject({ code: 'attestation.policy_invalid', message: 'the policy signature does not verify' });
  });

  it('refuses a rolled-back policy: a sequence below the newest the verifier has seen', async () => {
    const key = await generateSigningKeyPair();
    const signed = await signPolicy(data, key);
    await expect(verifySignedPolicy(signed, [toB64u(key.publicKey)], now, { minSequence: 7 })).resolves.toMatchObject({ sequence: 7 });
    await expect(verifySignedPolicy(signed, [toB64u(key.publicKey)], now, { minSequence: 8 })).rejects.toMatchObject({ code: 'attestation.policy_rollback', message: 'policy sequence 7 is older than 8, the newest this verifier has seen' });
  });

  it('refuses a document of the first policy version (no sequence, no engine list)', async () => {
    const key = await generateSigningKeyPair();
    const signed = await signPolicy(data, key);
    const v1 = Object.fromEntries(Object.entries({ ...signed.policy, version: 1 }).filter(([k]) => !['sequence', 'engines', 'webBuilds'].includes(k)));
    await expect(verifySignedPolicy({ ...signed, policy: v1 }, [toB64u(key.publicKey)], now)).rejects.toMatchObject({ code: 'attestation.policy_invalid' });
  });

  it('carries GPU reference measurement sets (hex lower-cased); the signed document must list them, [] allowed', async () => {
    const key = await generateSigningKeyPair();
    const gpuReferences = [{ name: 'H100 550.90.07', driverVersion: '550.90.07', ccMode: true as const, measurements: { 1: 'AB'.repeat(48), 35: ['cd'.repeat(48), 'EF'.repeat(48)] } }];
    const policy = await verifySignedPolicy(await signPolicy({ ...data, gpuReferences }, key), [toB64u(key.publicKey)], now);
    expect(policy.gpuReferences).toEqual([{ ...gpuReferences[0], measurements: { 1: 'ab'.repeat(48), 35: ['cd'.repeat(48), 'ef'.repeat(48)] } }]);
    const { gpuReferences: _omitted, ...without } = data;
    expect(PolicyDataSchema.safeParse(without).success).toBe(false);
    expect(PolicyDataSchema.safeParse({ ...data, gpuReferences: [{ ...gpuReferences[0], ccMode: false }] }).success).toBe(false);
  });

  it('refuses an expired policy', async () => {
    const key = await generateSigningKeyPair();
    const signed = await signPolicy({ ...data, expiresAt: Math.floor(now.getTime() / 1000) - 1 }, key);
    await expect(verifySignedPolicy(signed, [toB64u(key.publicKey)], now)).rejects.toMatchObject({ code: 'attestation.policy_expired' });
  });

  it.each([['not an object', 'nope'], ['missing signature', { policy: data, signerPublicKey: 'x' }]])('refuses malformed input: %s', async (_, input) => {
    await expect(verifySignedPolicy(input, [], now)).rejects.toMatchObject({ code: 'attestation.policy_invalid' });
  });
});
