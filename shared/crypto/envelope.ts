import { CocoonError } from '../errors';
import { ChatRequestSchema, type ChatRequest, type JobMeta, type SealedRequest } from '../protocol/jobs';
import { buf, canonicalJson, fromB64u, fromUtf8, toB64u, utf8 } from '../protocol/encoding';
import { hpkeSuite } from './hpke-suite';
import { pad, requestBucket, unpad } from './padding';
import { RESPONSE_EXPORT_LABEL, RESPONSE_SECRET_LENGTH, ResponseOpener, ResponseSealer } from './response-stream';

/**
 * The request envelope: HPKE base mode to the enclave's key. `info` names the protocol version
 * and host; the AAD binds the cleartext job metadata, so the broker cannot swap it.
 * ARCHITECTURE.md, "The confidential path", step 6.
 *
 * @example
 * const { sealed, opener } = await sealRequest({ recipientPublicKey, meta, request });
 * // host: const { request, sealer } = await openRequest({ keyPair, meta, sealed });
 */
export const hpkeInfo = (hostId: string): Uint8Array => utf8(`cocoon/v1 request ${hostId}`);
export const jobAad = (meta: JobMeta): Uint8Array =>
  utf8(`cocoon/v1 job ${canonicalJson({ jobId: meta.jobId, hostId: meta.hostId, model: meta.model, maxTokens: meta.maxTokens, maxCoefficientMilli: meta.maxCoefficientMilli })}`);

export async function sealRequest(params: {
  recipientPublicKey: Uint8Array;
  meta: JobMeta;
  request: ChatRequest;
}): Promise<{ sealed: SealedRequest; opener: ResponseOpener }> {
  const recipientPublicKey = await hpkeSuite.kem.deserializePublicKey(buf(params.recipientPublicKey));
  const sender = await hpkeSuite.createSenderContext({ recipientPublicKey, info: buf(hpkeInfo(params.meta.hostId)) });
  const pt = pad(utf8(JSON.stringify(params.request)), requestBucket);
  const ct = new Uint8Array(await sender.seal(buf(pt), buf(jobAad(params.meta))));
  const secret = new Uint8Array(await sender.export(buf(utf8(RESPONSE_EXPORT_LABEL)), RESPONSE_SECRET_LENGTH));
  const enc = new Uint8Array(sender.enc);
  return { sealed: { enc: toB64u(enc), ciphertext: toB64u(ct) }, opener: new ResponseOpener(secret, enc) };
}

export async function openRequest(params: {
  keyPair: CryptoKeyPair;
  meta: JobMeta;
  sealed: SealedRequest;
}): Promise<{ request: ChatRequest; sealer: ResponseSealer }> {
  const enc = fromB64u(params.sealed.enc);
  let pt: Uint8Array;
  let secret: Uint8Array;
  try {
    const recipient = await hpkeSuite.createRecipientContext({ recipientKey: params.keyPair, enc: buf(enc), info: buf(hpkeInfo(params.meta.hostId)) });
    pt = new Uint8Array(await recipient.open(buf(fromB64u(params.sealed.ciphertext)), buf(jobAad(params.meta))));
    secret = new Uint8Array(await recipient.export(buf(utf8(RESPONSE_EXPORT_LABEL)), RESPONSE_SECRET_LENGTH));
  } catch (cause) {
    throw new CocoonError('envelope.open_failed', 'request could not be opened with this enclave key and job metadata', { cause });
  }
  let json: unknown;
  try {
    json = JSON.parse(fromUtf8(unpad(pt)));
  } catch (cause) {
    throw new CocoonError('protocol.malformed_message', 'request plaintext is not JSON', { cause });
  }
  const request = ChatRequestSchema.safeParse(json);
  if (!request.success) throw new CocoonError('protocol.malformed_message', 'request does not match the chat schema');
  return { request: request.data, sealer: await ResponseSealer.create(secret, enc) };
}
