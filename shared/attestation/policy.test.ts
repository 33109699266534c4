import { describe, expect, it } from 'vitest';
import { generateSigningKeyPair } from '../crypto/ed25519';
import { toB64u } from '../protocol/encoding';
import { readVector } from '../testing/vectors';
import { signPolicy, verifySignedPolicy, type SignedPolicy } from './policy';
import { verifyTdxQuote } from './tdx/verify-quote';

const now = new Date('2026-11-22T12:00:00Z');
const cocoon = readVector('cocoon-tdx-v4-quote.dat');
const data = {
  version: 1 as const,
  allowSimulated: false,
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
    expect([r.error?.code, r.checks.find((c) => c.name === 'td.measurements')?.reason]).toEqual(['attestation.measurement_not_allowed', 'MRTD 7357a10d2e2724df... is in no allowed image']);
  });

  it('survives a JSON round trip (what a file or the network does to it)', async () => {
    const key = await generateSigningKeyPair();
    const wire = JSON.parse(JSON.stringify(await signPolicy(data, key), null, 2)) as unknown;
    await expect(verifySignedPolicy(wire, [toB64u(key.publicKey)], now)).resolves.toMatchObject({ version: 1 });
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

  it('refuses an expired policy', async () => {
    const key = await generateSigningKeyPair();
    const signed = await signPolicy({ ...data, expiresAt: Math.floor(now.getTime() / 1000) - 1 }, key);
    await expect(verifySignedPolicy(signed, [toB64u(key.publicKey)], now)).rejects.toMatchObject({ code: 'attestation.policy_expired' });
  });

  it.each([['not an object', 'nope'], ['missing signature', { policy: data, signerPublicKey: 'x' }]])('refuses malformed input: %s', async (_, input) => {
    await expect(verifySignedPolicy(input, [], now)).rejects.toMatchObject({ code: 'attestation.policy_invalid' });
  });
});
