import { Cell, loadTransaction, type Message, type Transaction } from '@ton/core';
import type { ChainTransaction, InboundMessage } from '../chain';
import type { z } from 'zod';
import type { RawTransactionSchema } from './schemas';

/**
 * Turns a v2 `raw.transaction` into a ChainTransaction. The facts we act on (sender, value, the
 * bounced and aborted flags, the comment) are read from the transaction's own BOC, after checking
 * that it hashes to the id the API named, rather than from the API's decoded JSON fields.
 * @throws Error when the BOC does not parse or does not match its id (the caller wraps it).
 */
export function decodeTransaction(json: z.output<typeof RawTransactionSchema>): ChainTransaction {
  const root = Cell.fromBase64(json.data);
  const hash = root.hash();
  if (!hash.equals(Buffer.from(json.transaction_id.hash, 'base64'))) throw new Error('transaction BOC does not match its hash');
  const tx = loadTransaction(root.beginParse());
  if (tx.lt !== BigInt(json.transaction_id.lt)) throw new Error('transaction BOC does not match its lt');
  return {
    lt: tx.lt,
    hash: hash.toString('hex'),
    utime: tx.now,
    inMessage: tx.inMessage ? inbound(tx.inMessage) : null,
    aborted: isAborted(tx),
    outMessageCount: tx.outMessagesCount,
  };
}

function inbound(msg: Message): InboundMessage {
  if (msg.info.type !== 'internal') return { type: 'external' };
  return { type: 'internal', source: msg.info.src, value: msg.info.value.coins, bounced: msg.info.bounced, comment: textComment(msg.body) };
}

function isAborted(tx: Transaction): boolean {
  const d = tx.description;
  return 'aborted' in d ? d.aborted : false;
}

/** A text comment is op 0 followed by a UTF-8 snake string (TEP-74's "text comment"). */
export function textComment(body: Cell): string | null {
  const s = body.beginParse();
  if (s.remainingBits < 32 || s.loadUint(32) !== 0) return null;
  try {
    return s.loadStringTail();
  } catch {
    // Not a well-formed string: no comment, as a wallet would show it.
    return null;
  }
}
