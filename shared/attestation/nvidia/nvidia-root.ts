import { fromHex } from '../../protocol/encoding';

/**
 * NVIDIA Device Identity CA, pinned by its SubjectPublicKeyInfo (P-384). Taken from nvtrust's
 * `verifier_device_root.pem` (certificate SHA-256 102bf659d5419614c9d8e6aecebc80454eb26b1df6a769ac720b9a690b167b48),
 * see shared/testing/vectors/SOURCES.md; a test checks it against that file.
 */
export const NVIDIA_DEVICE_IDENTITY_CA_SPKI = fromHex(
  '3076301006072a8648ce3d020106052b81040022036200040e4c14a33bf8a5626658db4129607e4cbf4519c4412716f4d0d917c4978005bdea' +
    'beaefd57bc66082d718a4f8b6052e1516ee8a7c422b84de857071bb58fd395bea0cfa1c63ee7c80d6bd63901d91cbbd187d3857dc16b5cceaf238ff8c27dbd',
);
