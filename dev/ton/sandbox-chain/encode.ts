import { Address, type Message, type TupleItem } from '@ton/core';
import type { BlockchainTransaction, SmartContract } from '@ton/sandbox';
import { textComment } from '@cocoon/server/ton/toncenter/decode-transaction';
import type { AddressInformationJson, MasterchainInfoJson, RawMessageJson, RawTransactionJson } from '@cocoon/server/ton/toncenter/schemas';
import { hash256 } from './network';

/** The sandbox's state in toncenter v2's JSON, field for field (see ../toncenter/schemas.ts). */

const b64 = (buf: Buffer): string => buf.toString('base64');
const friendly = (a: Address): string => a.toString({ urlSafe: true, bounceable: true });
const ZERO_HASH = b64(Buffer.alloc(32));

export function blockId(seqno: number): MasterchainInfoJson['last'] {
  const root = Buffer.alloc(32);
  root.writeUInt32BE(seqno, 28);
  return { '@type': 'ton.blockIdExt', workchain: -1, shard: '-9223372036854775808', seqno, root_hash: b64(root), file_hash: b64(root) };
}

export function masterchainInfo(seqno: number): MasterchainInfoJson {
  return { '@type': 'blocks.masterchainInfo', last: blockId(seqno), state_root_hash: blockId(seqno).root_hash, init: blockId(0) };
}

export function encodeAccount(contract: SmartContract, seqno: number): AddressInformationJson {
  const state = contract.accountState;
  const active = state?.type === 'active' ? state.state : undefined;
  const lastLt = contract.lastTransactionLt;
  return {
    '@type': 'raw.fullAccountState',
    balance: String(contract.balance),
    code: active?.code ? b64(active.code.toBoc()) : '',
    data: active?.data ? b64(active.data.toBoc()) : '',
    last_transaction_id: { '@type': 'internal.transactionId', lt: String(lastLt), hash: lastLt === 0n ? ZERO_HASH : b64(hash256(contract.lastTransactionHash)) },
    block_id: blockId(seqno),
    frozen_hash: '',
    sync_utime: Math.floor(Date.now() / 1000),
    state: state?.type === 'active' ? 'active' : state?.type === 'frozen' ? 'frozen' : 'uninitialized',
  };
}

export function encodeTransaction(tx: BlockchainTransaction): RawTransactionJson {
  const storageFee = tx.description.type === 'generic' ? (tx.description.storagePhase?.storageFeesCollected ?? 0n) : 0n;
  const dest = tx.inMessage?.info.dest;
  return {
    '@type': 'raw.transaction',
    ...(dest instanceof Address ? { address: { account_address: friendly(dest) } } : {}),
    utime: tx.now,
    data: b64(tx.raw.toBoc()),
    transaction_id: { '@type': 'internal.transactionId', lt: String(tx.lt), hash: b64(tx.hash()) },
    fee: String(tx.totalFees.coins),
    storage_fee: String(storageFee),
    other_fee: String(tx.totalFees.coins - storageFee),
    ...(tx.inMessage ? { in_msg: encodeMessage(tx.inMessage) } : {}),
    out_msgs: [...tx.outMessages.values()].map(encodeMessage),
  };
}

function encodeMessage(m: Message): RawMessageJson {
  const info = m.info;
  const comment = textComment(m.body);
  const msgData: RawMessageJson['msg_data'] =
    comment !== null
      ? { '@type': 'msg.dataText', text: b64(Buffer.from(comment, 'utf8')) }
      : { '@type': 'msg.dataRaw', body: b64(m.body.toBoc()), init_state: '' };
  return {
    '@type': 'raw.message',
    source: info.type === 'internal' || info.type === 'external-out' ? friendly(info.src) : '',
    destination: info.type === 'external-out' || !(info.dest instanceof Address) ? '' : friendly(info.dest),
    value: info.type === 'internal' ? String(info.value.coins) : '0',
    fwd_fee: info.type === 'internal' ? String(info.forwardFee) : '0',
    ihr_fee: info.type === 'internal' ? String(info.ihrFee) : '0',
    created_lt: info.type === 'external-in' ? '0' : String(info.createdLt),
    body_hash: b64(m.body.hash()),
    msg_data: msgData,
    message: comment ?? '',
  };
}

/** A get-method stack as v2 writes it: integers as `["num", "0x…"]`, cells as their BOC. */
export function encodeStack(stack: TupleItem[]): [string, unknown][] {
  return stack.map((item) => {
    if (item.type === 'int') return ['num', item.value < 0n ? `-0x${(-item.value).toString(16)}` : `0x${item.value.toString(16)}`];
    if (item.type === 'cell' || item.type === 'slice' || item.type === 'builder') return [item.type, { bytes: b64(item.cell.toBoc()) }];
    return [item.type, null];
  });
}
