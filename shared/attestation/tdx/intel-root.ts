import { fromHex } from '../../protocol/encoding';

/**
 * Intel SGX Root CA, pinned by its SubjectPublicKeyInfo (P-256): Intel issued two certificates for
 * this one key, so the key is what is trusted, never certificate bytes or names. Taken from
 * `Intel SGX Root CA` (DER SHA-256 44a0196b2b99f889b8e149e95b807a350e7424964399e885a7cbb8ccfab674d3),
 * see shared/testing/vectors/SOURCES.md; a test checks it against that file.
 */
export const INTEL_SGX_ROOT_CA_SPKI = fromHex(
  '3059301306072a8648ce3d020106082a8648ce3d030107034200040ba9c4c0c0c86193a3fe23d6b02cda10a8bbd4e88e48b4458561a36e705525f5' +
    '67918e2edc88e40d860bd0cc4ee26aacc988e505a953558c453f6b0904ae7394',
);
