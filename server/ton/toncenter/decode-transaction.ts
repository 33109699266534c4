import { Cell, loadTransaction, type Message, type Transaction } from '@ton/core';
import type { ChainTransaction, InboundMessage, OutboundMessage } from '../chain';
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
    outMessages: [...tx.outMessages.values()].map(outbound),
  };
}

function inbound(msg: Message): InboundMessage {
  if (msg.info.type !== 'internal') return { type: 'external' };
  const { src, value, bounced } = msg.info;
  return { type: 'internal', source: src, value: value.coins, bounced, comment: textComment(msg.body), ...(bounced ? { bouncedComment: bouncedComment(msg.body) } : {}) };
}

function outbound(msg: Message): OutboundMessage {
  if (msg.info.type !== 'internal') return { destination: null, value: 0n, bounce: false, comment: null };
  return { destination: msg.info.dest, value: msg.info.value.coins, bounce: msg.info.bounce, comment: textComment(msg.body) };
}

/** A bounced body is 0xffffffff then the first 256 bits of the original body: here, a truncated text comment. */
export function bouncedComment(body: Cell): string | null {
  const s = body.beginParse();
  if (s.remainingBits < 32 || s.loadUint(32) !== 0xffffffff) return null;
  if (s.remainingBits < 32 || s.loadUint(32) !== 0) return null;
  if (s.remainingBits % 8 !== 0) return null;
  return s.loadBuffer(s.remainingBits / 8).toString('utf8');
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
