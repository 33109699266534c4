import { z } from 'zod';

/**
 * The HPKE suites a request can be sealed with (ARCHITECTURE.md, "The confidential path", step 6).
 * The client chooses; the id travels in clear in every sealed request and is bound into its AAD,
 * so a broker can neither relabel nor downgrade a request without the enclave refusing it.
 *
 * - `xwing`: X-Wing (ML-KEM-768 + X25519) 0x647a / HKDF-SHA256 0x0001 / AES-256-GCM 0x0002,
 *   post-quantum: what every client seals with, to the claims' `xwingPublicKey`.
 * - `x25519`: DHKEM(X25519, HKDF-SHA256) 0x0020 / HKDF-SHA256 / AES-256-GCM, to the claims'
 *   `hpkePublicKey`: kept only for clients that cannot do X-Wing yet, never a fallback.
 *
 * @example const sealed = { suite: RequestSuites.xwing, enc, ciphertext }
 */
export const RequestSuites = {
  xwing: 'xwing-hkdf-sha256-aes-256-gcm',
  x25519: 'x25519-hkdf-sha256-aes-256-gcm',
} as const;
export const RequestSuiteSchema = z.enum([RequestSuites.xwing, RequestSuites.x25519]);
export type RequestSuite = z.infer<typeof RequestSuiteSchema>;

/** An X-Wing public key: the ML-KEM-768 encapsulation key (1184 bytes) then the X25519 key (32). */
export const XWING_PUBLIC_KEY_BYTES = 1216;

/** Each suite's RFC 9180 identifiers, and the sizes of its `enc` and public key in bytes. */
export const requestSuiteParams = {
  [RequestSuites.xwing]: { kemId: 0x647a, kdfId: 0x0001, aeadId: 0x0002, encBytes: 1120, publicKeyBytes: XWING_PUBLIC_KEY_BYTES },
  [RequestSuites.x25519]: { kemId: 0x0020, kdfId: 0x0001, aeadId: 0x0002, encBytes: 32, publicKeyBytes: 32 },
} as const satisfies Record<RequestSuite, { kemId: number; kdfId: number; aeadId: number; encBytes: number; publicKeyBytes: number }>;
