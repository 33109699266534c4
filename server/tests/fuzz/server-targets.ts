import { readFileSync } from 'node:fs';
import { Address, beginCell, Cell, contractAddress, loadStateInit, storeStateInit, type StateInit } from '@ton/core';
import fc from 'fast-check';
import { z } from 'zod';
import { TonConnectRequestSchema } from '@cocoon/shared/protocol/payments';
import { ClientToBrokerSchema, HostToBrokerSchema } from '@cocoon/shared/protocol/ws-messages';
import { FuzzFailure, fuzzTarget, neverThrows, type FuzzTarget } from '@cocoon/shared/testing/fuzz/harness';
import { applyJsonEdits, jsonEdits, type JsonEdit } from '@cocoon/shared/testing/fuzz/json';
import { messageInputs, messageText, type MessageInput } from '@cocoon/shared/testing/fuzz/messages';
import { anyString, byteEdits, editText, type ByteEdit } from '@cocoon/shared/testing/fuzz/mutate';
import { consumeClientFrame, consumeHostFrame } from '@cocoon/shared/testing/fuzz/protocol-targets';
import { protocolSamples } from '@cocoon/shared/testing/fuzz/protocol-samples';
import { signInitData, validateInitData } from '../../auth/init-data';
import { BotApiResponseSchema, UpdateSchema } from '../../telegram/types';
import type { TonChain } from '../../ton/chain';
import { verifyConnect, type ProofPolicy } from '../../ton/verify-connect';
import { parseFrame } from '../../ws/json-socket';

/**
 * Test-only: fuzz targets for what the broker parses: Telegram initData, TonConnect's ton_proof,
 * Bot API updates (the webhook's parse) and WebSocket frames through the sockets' own parse step.
 */

// ---- initData -------------------------------------------------------------------------------

const BOT_TOKEN = '7000000001:AAfuzz-bot-token-for-init-data_xyz';
const AUTH_DATE = 1_767_225_600;
const initDataNow = new Date((AUTH_DATE + 60) * 1000);
const initDataFields = { auth_date: String(AUTH_DATE), query_id: 'AAHdF6IQAAAAAN0XohDhrOrc', user: JSON.stringify({ id: 500_000_123, first_name: 'Ann', username: 'ann', language_code: 'en' }) };
const signedInitData = signInitData(initDataFields, BOT_TOKEN);
const fieldsOf = (s: string) => JSON.stringify([...new URLSearchParams(s)]);

type InitDataInput = string | { edits: ByteEdit[] } | { user: JsonEdit[]; resign: boolean } | { fields: [string, string][]; resign: boolean };

/** The signed vector's user, parsed once: the base the structural edits apply to (to a copy). */
const initDataUser: unknown = JSON.parse(initDataFields.user);

const initData = fuzzTarget<InitDataInput>({
  name: 'server.init-data',
  testRuns: 3000,
  inputs: fc.oneof(
    { weight: 1, arbitrary: anyString(300) },
    { weight: 4, arbitrary: fc.record({ edits: byteEdits(signedInitData.length) }) },
    // Re-signed with the real token: the schema behind the signature must hold too.
    { weight: 2, arbitrary: fc.record({ user: jsonEdits(JSON.parse(initDataFields.user)), resign: fc.boolean() }) },
    { weight: 1, arbitrary: fc.record({ fields: fc.array(fc.tuple(fc.constantFrom('auth_date', 'user', 'hash', 'query_id', 'x'), anyString(40))), resign: fc.boolean() }) },
  ),
  run(input) {
    let text: string;
    let resigned = false;
    if (typeof input === 'string') text = input;
    else if ('edits' in input) text = editText(signedInitData, input.edits);
    else {
      const fields = 'user' in input ? { ...initDataFields, user: JSON.stringify(applyJsonEdits(initDataUser, input.user)) ?? '' } : { ...initDataFields, ...Object.fromEntries(input.fields) };
      resigned = input.resign;
      text = input.resign ? signInitData(fields, BOT_TOKEN) : new URLSearchParams(fields).toString() + `&hash=${new URLSearchParams(signedInitData).get('hash')}`;
    }
    const who = validateInitData(text, { botToken: BOT_TOKEN, maxAgeS: 86_400, now: initDataNow });
    if (!resigned && fieldsOf(text) !== fieldsOf(signedInitData)) throw new FuzzFailure('altered initData verified');
    if (who.telegramId <= 0n || who.firstName.length > 256) throw new FuzzFailure('initData identity out of range');
    if (`${who.firstName}${who.username ?? ''}`.includes('\0')) throw new FuzzFailure('initData identity carries NUL into a database text column');
  },
});

// ---- ton_proof --------------------------------------------------------------------------------

const TonVectorSchema = z.object({
  address: z.string(),
  network: z.string(),
  publicKey: z.string(),
  timestamp: z.number(),
  domain: z.object({ lengthBytes: z.number(), value: z.string() }),
  signature: z.string(),
  payload: z.string(),
  walletStateInit: z.string(),
});
const tonVectors = z.object({ vectors: z.array(TonVectorSchema) }).parse(JSON.parse(readFileSync(new URL('../../ton/test-vectors/ton-proof.json', import.meta.url), 'utf8'))).vectors;
const tonRequests = tonVectors.map((v) => ({ address: v.address, network: v.network, walletStateInit: v.walletStateInit, proof: { timestamp: v.timestamp, domain: v.domain, payload: v.payload, signature: v.signature } }));

/** A chain that answers `get_public_key` with the vector's key (the v5 beta wallet is read from the chain). */
const chainFor = (publicKey: string): TonChain => ({
  getMasterchainInfo: () => Promise.reject(new Error('not used')),
  getAddressInformation: () => Promise.reject(new Error('not used')),
  getTransactions: () => Promise.reject(new Error('not used')),
  sendBoc: () => Promise.reject(new Error('not used')),
  runGetMethod: () => Promise.resolve({ exitCode: 0, stack: [BigInt(`0x${publicKey}`)] }),
});
const proofPolicy: ProofPolicy = { network: 'sandbox', domains: ['winogarcia.github.io'], maxAgeS: 900 };

/** A StateInit with a known wallet's code and its data cell cut to `bits`, and the address it deploys to. */
const originalInits = new Map<string, StateInit>();
function cutStateInit(boc: string, bits: number, refs: boolean): { address: string; walletStateInit: string } {
  // The vector's own StateInit, decoded once (cells are immutable): only the edited copy is new per input.
  let init = originalInits.get(boc);
  if (!init) originalInits.set(boc, (init = loadStateInit(Cell.fromBase64(boc).beginParse())));
  const data = init.data!;
  const b = beginCell().storeBits(data.bits.substring(0, Math.min(bits, data.bits.length)));
  if (refs) for (const r of data.refs) b.storeRef(r);
  const edited = { code: init.code, data: b.endCell() };
  return { address: contractAddress(0, edited).toRawString(), walletStateInit: beginCell().store(storeStateInit(edited)).endCell().toBoc().toString('base64') };
}

type TonInput = { vector: number; edits: JsonEdit[] } | { vector: number; signature: ByteEdit[] } | { vector: number; dataBits: number; refs: boolean };

const tonProof = fuzzTarget<TonInput>({
  name: 'server.ton-proof',
  verifies: true,
  testRuns: 600,
  inputs: fc.oneof(
    ...tonRequests.map((r, vector) => fc.record({ vector: fc.constant(vector), edits: jsonEdits(r) })),
    ...tonRequests.map((r, vector) => fc.record({ vector: fc.constant(vector), signature: byteEdits(r.proof.signature.length, { maxEdits: 2 }) })),
    // Self-consistent StateInits (the address is the StateInit's hash) of known wallet code with short data.
    ...tonRequests.slice(0, 3).map((_, vector) => fc.record({ vector: fc.constant(vector), dataBits: fc.integer({ min: 0, max: 400 }), refs: fc.boolean() })),
  ),
  async run(input) {
    const original = tonRequests[input.vector]!;
    let body: unknown;
    if ('edits' in input) body = applyJsonEdits(original, input.edits);
    else if ('signature' in input) body = { ...original, proof: { ...original.proof, signature: editText(original.proof.signature, input.signature) } };
    else body = { ...original, ...cutStateInit(original.walletStateInit, input.dataBits, input.refs) };
    const req = TonConnectRequestSchema.parse(body);
    const now = new Date((original.proof.timestamp + 10) * 1000);
    const wallet = await verifyConnect(req, { chain: chainFor(tonVectors[input.vector]!.publicKey), policy: proofPolicy, now });
    const signedSame =
      wallet.address.equals(Address.parse(original.address)) &&
      req.proof.domain.value === original.proof.domain.value &&
      req.proof.timestamp === original.proof.timestamp &&
      req.proof.payload === original.proof.payload &&
      wallet.publicKey.toString('hex') === tonVectors[input.vector]!.publicKey;
    if (!signedSame) throw new FuzzFailure('an altered ton_proof verified');
    const canonical = (sig: string) => sig.replace(/={1,2}$/, '').replaceAll('-', '+').replaceAll('_', '/');
    if (canonical(req.proof.signature) !== canonical(original.proof.signature)) throw new FuzzFailure('another encoding of the ton_proof signature verified');
  },
});

// ---- Bot API updates --------------------------------------------------------------------------

const fixture = (name: string): unknown => JSON.parse(readFileSync(new URL(`../../telegram/fixtures/${name}.json`, import.meta.url), 'utf8'));
const updates = ['pre-checkout-query', 'successful-payment', 'text-message', 'my-chat-member'].map(fixture);
const botAnswers: unknown[] = [{ ok: true, result: { url: 'https://t.me/$x' } }, { ok: false, error_code: 429, description: 'Too Many Requests', parameters: { retry_after: 3 } }];

const telegramUpdate = fuzzTarget<{ answer: boolean; input: MessageInput }>({
  name: 'server.telegram-update',
  testRuns: 2000,
  inputs: fc.oneof(fc.record({ answer: fc.constant(false), input: messageInputs(updates) }), fc.record({ answer: fc.constant(true), input: messageInputs(botAnswers) })),
  rejects: neverThrows,
  run({ answer, input }) {
    let value: unknown;
    try {
      value = JSON.parse(messageText(answer ? botAnswers : updates, input));
    } catch {
      return; // Fastify answers 400 before the webhook runs
    }
    if (answer) {
      BotApiResponseSchema.safeParse(value);
      return;
    }
    const u = UpdateSchema.safeParse(value);
    if (!u.success) return;
    // What the webhook stores: Postgres text cannot hold NUL, so a schema-valid update must not carry one there.
    const stored = [u.data.pre_checkout_query?.invoice_payload, u.data.message?.successful_payment?.invoice_payload, u.data.message?.successful_payment?.telegram_payment_charge_id];
    if (stored.some((s) => s?.includes('\0'))) throw new FuzzFailure('a schema-valid update carries NUL into a database text column');
  },
});

// ---- WebSocket frames through the broker's parse step ------------------------------------------

/** The broker's two sockets: `parseFrame` with each schema, then what the broker does next. */
export async function brokerFrameTargets(): Promise<FuzzTarget[]> {
  const s = await protocolSamples();
  const frameTarget = (name: string, samples: readonly unknown[], handle: (text: string) => Promise<void>, testRuns: number) =>
    fuzzTarget<MessageInput>({ name, testRuns, inputs: messageInputs(samples), run: (input) => handle(messageText(samples, input)) });
  return [
    frameTarget('server.ws.client-frame', s.clientToBroker, async (text) => {
      const r = parseFrame(ClientToBrokerSchema, text);
      if (r.success) await consumeClientFrame(r.data);
    }, 2000),
    frameTarget('server.ws.host-frame', s.hostToBroker, async (text) => {
      const r = parseFrame(HostToBrokerSchema, text);
      if (r.success) await consumeHostFrame(r.data, s);
    }, 1000),
  ];
}

export const serverTargets: FuzzTarget[] = [initData, tonProof, telegramUpdate];
