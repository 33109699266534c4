import { CocoonError } from '../errors';
import type { Claims } from '../protocol/attestation-bundle';
import { ChatRequestSchema, type ChatRequest } from '../protocol/chat-request';
import type { JobMeta, SealedRequest } from '../protocol/jobs';
import { buf, canonicalJson, fromB64u, fromUtf8, toB64u, utf8 } from '../protocol/encoding';
import { RequestSuites, type RequestSuite } from '../protocol/request-suite';
import { hpkeSuites } from './hpke-suite';
import { pad, requestBucket, unpad } from './padding';
import { RESPONSE_EXPORT_LABEL, RESPONSE_SECRET_LENGTH, ResponseOpener, ResponseSealer } from './response-stream';

/**
 * The request envelope: HPKE base mode to the enclave's key, with the suite the client chose
 * (`RequestSuites`: X-Wing unless asked otherwise). `info` names the protocol version and host; the
 * AAD binds the cleartext job metadata and the suite id, so the broker can neither swap the
 * metadata nor relabel the suite. ARCHITECTURE.md, "The confidential path", step 6.
 *
 * @example
 * const { sealed, opener } = await sealRequest({ recipient: requestRecipient(verifiedClaims), meta, request });
 * // host: const { request, sealer } = await openRequest({ keys: { [RequestSuites.xwing]: xwingKeyPair }, meta, sealed });
 */
export const hpkeInfo = (hostId: string): Uint8Array => utf8(`cocoon/v1 request ${hostId}`);
export const jobAad = (meta: JobMeta, suite: RequestSuite): Uint8Array =>
  utf8(`cocoon/v1 job ${canonicalJson({ jobId: meta.jobId, hostId: meta.hostId, model: meta.model, maxTokens: meta.maxTokens, maxCharge: meta.maxCharge, suite })}`);

/** Which suite a request is sealed with and the enclave's raw public key of that suite. */
export interface RequestRecipient {
  suite: RequestSuite;
  publicKey: Uint8Array;
}

/**
 * The key of `suite` in verified claims. X-Wing is the default and there is no fallback: a client
 * that wants X-Wing and meets claims without `xwingPublicKey` gets `envelope.suite_unsupported`.
 * @example const recipient = requestRecipient(verified.claims) // { suite: RequestSuites.xwing, publicKey } or throws
 */
export function requestRecipient(claims: Pick<Claims, 'hpkePublicKey' | 'xwingPublicKey'>, suite: RequestSuite = RequestSuites.xwing): RequestRecipient {
  if (suite === RequestSuites.x25519) return { suite, publicKey: fromB64u(claims.hpkePublicKey) };
  if (!claims.xwingPublicKey) {
    throw new CocoonError('envelope.suite_unsupported', 'the attested host offers no X-Wing key: refusing to seal without post-quantum protection');
  }
  return { suite, publicKey: fromB64u(claims.xwingPublicKey) };
}

export async function sealRequest(params: {
  recipient: RequestRecipient;
  meta: JobMeta;
  request: ChatRequest;
}): Promise<{ sealed: SealedRequest; opener: ResponseOpener }> {
  const { suite } = params.recipient;
  const hpke = hpkeSuites[suite];
  const recipientPublicKey = await hpke.kem.deserializePublicKey(buf(params.recipient.publicKey));
  const sender = await hpke.createSenderContext({ recipientPublicKey, info: buf(hpkeInfo(params.meta.hostId)) });
  const pt = pad(utf8(JSON.stringify(params.request)), requestBucket);
  const ct = new Uint8Array(await sender.seal(buf(pt), buf(jobAad(params.meta, suite))));
  const secret = new Uint8Array(await sender.export(buf(utf8(RESPONSE_EXPORT_LABEL)), RESPONSE_SECRET_LENGTH));
  const enc = new Uint8Array(sender.enc);
  return { sealed: { suite, enc: toB64u(enc), ciphertext: toB64u(ct) }, opener: new ResponseOpener(secret, enc) };
}

/** The enclave's private keys by suite: a request is opened only with the key of the suite it names. */
export type RequestKeys = Partial<Record<RequestSuite, CryptoKeyPair>>;

export async function openRequest(params: {
  keys: RequestKeys;
  meta: JobMeta;
  sealed: SealedRequest;
}): Promise<{ request: ChatRequest; sealer: ResponseSealer }> {
  const { suite } = params.sealed;
  const keyPair = params.keys[suite];
  if (!keyPair) throw new CocoonError('envelope.suite_unsupported', `this enclave has no key for suite ${suite}`);
  const enc = fromB64u(params.sealed.enc);
  let pt: Uint8Array;
  let secret: Uint8Array;
  try {
    const recipient = await hpkeSuites[suite].createRecipientContext({ recipientKey: keyPair, enc: buf(enc), info: buf(hpkeInfo(params.meta.hostId)) });
    pt = new Uint8Array(await recipient.open(buf(fromB64u(params.sealed.ciphertext)), buf(jobAad(params.meta, suite))));
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
