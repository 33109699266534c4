import '../buffer-global';
import { Address, beginCell, storeStateInit } from '@ton/core';
import { keyPairFromSecretKey, type KeyPair } from '@ton/crypto';
import { WalletContractV4 } from '@ton/ton/dist/wallets/WalletContractV4';
import type { DevTestWallet, DevTestWalletApi } from './dev-api';
import { deviceInfo } from './device-info';
import { signTonProof } from './ton-proof';
import { SendTransactionSchema, signedTransferBoc } from './transfer';

const CONNECTED_KEY = 'cocoon-test-wallet:connected';

/** Error codes of TonConnect's protocol (requests-responses.md). */
const Codes = { unknown: 0, badRequest: 1, methodNotSupported: 400 } as const;

type ConnectItem = { name: 'ton_addr' } | { name: 'ton_proof'; payload: string };
export interface ConnectRequest {
  manifestUrl: string;
  items: ConnectItem[];
}
export type ConnectEvent =
  | { event: 'connect'; id: number; payload: { items: unknown[]; device: typeof deviceInfo } }
  | { event: 'connect_error'; id: number; payload: { code: number; message: string } };
export interface AppRequest {
  method: string;
  params: string[];
  id: string;
}
export type WalletResponse = { result: unknown; id: string } | { error: { code: number; message: string }; id: string };

export interface BridgeDeps {
  api: DevTestWalletApi;
  storage: Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;
  /** The page's host, which the proof binds to (a wallet in the page knows it for certain). */
  domain: () => string;
  /** Unix seconds. */
  now: () => number;
}

interface Loaded {
  data: DevTestWallet;
  keys: KeyPair;
  contract: WalletContractV4;
}

function load(data: DevTestWallet): Loaded {
  const keys = keyPairFromSecretKey(Buffer.from(data.secretKeyHex, 'hex'));
  if (keys.publicKey.toString('hex') !== data.publicKeyHex) throw new Error('the test wallet key does not match its public key');
  const contract = WalletContractV4.create({ workchain: Address.parse(data.address).workChain, publicKey: keys.publicKey });
  if (!contract.address.equals(Address.parse(data.address))) throw new Error('the test wallet key does not match its address');
  return { data, keys, contract };
}

const stateInitBoc = (w: Loaded) => beginCell().store(storeStateInit(w.contract.init)).endCell().toBoc().toString('base64');

/**
 * A TonConnect wallet living in the page (the "injected" JS bridge, protocol version 2:
 * github.com/ton-blockchain/ton-connect/blob/main/bridge.md#js-bridge), holding the dev broker's
 * test key for the local sandbox chain. It proves the address with a real `ton_proof` and signs
 * real wallet v4 transfers, which the dev broker relays to the chain. Dev and e2e builds only.
 */
export function createTestWalletBridge(deps: BridgeDeps) {
  let eventId = 0;
  const addressItem = (w: Loaded) => ({
    name: 'ton_addr' as const,
    address: w.contract.address.toRawString(),
    network: w.data.chain,
    publicKey: w.keys.publicKey.toString('hex'),
    walletStateInit: stateInitBoc(w),
  });
  const connectError = (message: string, code: number = Codes.unknown): ConnectEvent => ({ event: 'connect_error', id: ++eventId, payload: { code, message } });

  async function connect(protocolVersion: number, request: ConnectRequest): Promise<ConnectEvent> {
    if (protocolVersion > deviceInfo.maxProtocolVersion) return connectError(`protocol version ${protocolVersion} is not supported`, Codes.badRequest);
    try {
      const w = load(await deps.api.wallet());
      const items: unknown[] = [addressItem(w)];
      const proofItem = request.items.find((i): i is Extract<ConnectItem, { name: 'ton_proof' }> => i.name === 'ton_proof');
      if (proofItem) {
        const proof = await signTonProof({ address: w.contract.address, domain: deps.domain(), timestamp: deps.now(), payload: proofItem.payload, secretKey: w.keys.secretKey });
        items.push({ name: 'ton_proof', proof });
      }
      deps.storage.setItem(CONNECTED_KEY, w.contract.address.toRawString());
      return { event: 'connect', id: ++eventId, payload: { items, device: deviceInfo } };
    } catch (e) {
      return connectError(e instanceof Error ? e.message : String(e));
    }
  }

  async function restoreConnection(): Promise<ConnectEvent> {
    const remembered = deps.storage.getItem(CONNECTED_KEY);
    if (!remembered) return connectError('not connected');
    try {
      const w = load(await deps.api.wallet());
      // A restarted local chain may hand out another wallet: the old connection is void then.
      if (w.contract.address.toRawString() !== remembered) return connectError('the test wallet changed');
      return { event: 'connect', id: ++eventId, payload: { items: [addressItem(w)], device: deviceInfo } };
    } catch (e) {
      return connectError(e instanceof Error ? e.message : String(e));
    }
  }

  async function sendTransaction(request: AppRequest): Promise<WalletResponse> {
    const parsed = SendTransactionSchema.safeParse(JSON.parse(request.params[0] ?? 'null'));
    if (!parsed.success) return { error: { code: Codes.badRequest, message: 'malformed sendTransaction request' }, id: request.id };
    const tx = parsed.data;
    if (tx.valid_until !== undefined && tx.valid_until < deps.now()) return { error: { code: Codes.badRequest, message: 'request expired' }, id: request.id };
    const w = load(await deps.api.wallet());
    if (tx.from && !Address.parse(tx.from).equals(w.contract.address)) return { error: { code: Codes.badRequest, message: 'not this wallet' }, id: request.id };
    const boc = signedTransferBoc({ wallet: w.contract, secretKey: w.keys.secretKey, seqno: w.data.seqno, request: tx, now: deps.now() });
    await deps.api.sendBoc(boc);
    return { result: boc, id: request.id };
  }

  function disconnect(): void {
    deps.storage.removeItem(CONNECTED_KEY);
  }

  return {
    connect,
    restoreConnection,
    async send(request: AppRequest): Promise<WalletResponse> {
      try {
        if (request.method === 'sendTransaction') return await sendTransaction(request);
        if (request.method === 'disconnect') {
          disconnect();
          return { result: {}, id: request.id };
        }
        return { error: { code: Codes.methodNotSupported, message: `${request.method} is not supported` }, id: request.id };
      } catch (e) {
        return { error: { code: Codes.unknown, message: e instanceof Error ? e.message : String(e) }, id: request.id };
      }
    },
    disconnect,
  };
}

export type TestWalletBridge = ReturnType<typeof createTestWalletBridge>;
