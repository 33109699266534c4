import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { signPolicy } from '@cocoon/shared/attestation/policy';
import { generateSigningKeyPair, type SigningKeyPair } from '@cocoon/shared/crypto/ed25519';
import { toB64u } from '@cocoon/shared/protocol/encoding';

type PolicyInput = Parameters<typeof signPolicy>[0];

/** Writes an operator-signed attestation policy into `dir`; returns the broker's env for it. */
export async function signedPolicyFile(dir: string, over: Partial<PolicyInput> = {}, operator?: SigningKeyPair) {
  operator ??= await generateSigningKeyPair();
  const data: PolicyInput = {
    version: 2, sequence: 1, allowSimulated: true, images: [], engines: [], webBuilds: [], gpuReferences: [], acceptedTcbStatuses: ['UpToDate'], maxCollateralAgeDays: 30,
    expiresAt: Math.floor(Date.now() / 1000) + 3600, ...over,
  };
  const signed = await signPolicy(data, operator);
  const file = join(dir, `policy-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(file, JSON.stringify(signed));
  return { file, key: toB64u(operator.publicKey), signed, env: { ATTESTATION_POLICY_FILE: file, ATTESTATION_POLICY_KEYS: toB64u(operator.publicKey) } };
}
