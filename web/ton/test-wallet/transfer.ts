import '../buffer-global';
import { Address, beginCell, Cell, external, internal, loadStateInit, SendMode, storeMessage, type MessageRelaxed } from '@ton/core';
import { WalletContractV4 } from '@ton/ton/dist/wallets/WalletContractV4';
import { z } from 'zod';

/**
 * TonConnect's `sendTransaction` request (requests-responses.md#sign-and-send-transaction):
 * `params[0]` is this object as JSON. Amounts are nanoTON strings; payload and stateInit base64 BOCs.
 */
export const SendTransactionSchema = z.object({
  valid_until: z.number().int().optional(),
  network: z.string().optional(),
  from: z.string().optional(),
  messages: z
    .array(
      z.object({
        address: z.string(),
        amount: z.string().regex(/^[0-9]+$/),
        payload: z.string().optional(),
        stateInit: z.string().optional(),
      }),
    )
    .min(1)
    .max(4),
});
export type SendTransaction = z.infer<typeof SendTransactionSchema>;

/** A friendly address says whether to bounce; a raw one is sent bounceable, as wallets do. */
function destination(address: string): { to: Address; bounce: boolean } {
  if (Address.isFriendly(address)) {
    const parsed = Address.parseFriendly(address);
    return { to: parsed.address, bounce: parsed.isBounceable };
  }
  return { to: Address.parse(address), bounce: true };
}

function toInternal(m: SendTransaction['messages'][number]): MessageRelaxed {
  const { to, bounce } = destination(m.address);
  return internal({
    to,
    bounce,
    value: BigInt(m.amount),
    body: m.payload ? Cell.fromBase64(m.payload) : undefined,
    init: m.stateInit ? loadStateInit(Cell.fromBase64(m.stateInit).beginParse()) : undefined,
  });
}

/**
 * The signed external message a wallet v4 sends for the request: the transfer signed with the
 * wallet key at `seqno`, carrying the StateInit while the wallet is not deployed yet (seqno 0).
 * Returns the message as a base64 BOC, what TonConnect answers and the chain accepts.
 */
export function signedTransferBoc(args: { wallet: WalletContractV4; secretKey: Buffer; seqno: number; request: SendTransaction; now: number }): string {
  const { wallet, secretKey, seqno, request } = args;
  const transfer = wallet.createTransfer({
    seqno,
    secretKey,
    messages: request.messages.map(toInternal),
    sendMode: SendMode.PAY_GAS_SEPARATELY + SendMode.IGNORE_ERRORS,
    timeout: request.valid_until ?? args.now + 60,
  });
  const message = external({ to: wallet.address, init: seqno === 0 ? wallet.init : undefined, body: transfer });
  return beginCell().store(storeMessage(message)).endCell().toBoc().toString('base64');
}
