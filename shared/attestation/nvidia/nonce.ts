import type { Claims } from '../../protocol/attestation-bundle';
import { concatBytes, fromB64u, sha256, utf8 } from '../../protocol/encoding';

/**
 * The nonce GPU evidence must carry (ARCHITECTURE.md, "The confidential path", step 2):
 * SHA-256("gpu-nonce-v1" || hpkePublicKey || signingPublicKey || createdAt), createdAt as an
 * unsigned 64-bit big-endian count of Unix seconds. It ties the GPU report to this enclave identity.
 * @example const nonce = await gpuNonceFor(claims) // 32 bytes for nvmlDeviceGetConfComputeGpuAttestationReport
 */
export async function gpuNonceFor(claims: Pick<Claims, 'hpkePublicKey' | 'signingPublicKey' | 'createdAt'>): Promise<Uint8Array> {
  const createdAt = new Uint8Array(8);
  new DataView(createdAt.buffer).setBigUint64(0, BigInt(claims.createdAt));
  return sha256(concatBytes(utf8('gpu-nonce-v1'), fromB64u(claims.hpkePublicKey), fromB64u(claims.signingPublicKey), createdAt));
}
