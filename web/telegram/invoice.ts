import { openInvoice } from '@telegram-apps/sdk-react';

/** How Telegram's payment sheet closed; `pending`: paid, but Telegram is still confirming it. */
export type InvoiceStatus = 'paid' | 'cancelled' | 'failed' | 'pending';

export class InvoiceUnavailableError extends Error {
  override readonly name = 'InvoiceUnavailableError';
}

const known = (s: string): s is InvoiceStatus => s === 'paid' || s === 'cancelled' || s === 'failed' || s === 'pending';

/**
 * Opens a Stars invoice link (from createInvoiceLink) in Telegram's payment sheet and resolves
 * when it closes. A test link of the local Bot API stand-in is not on t.me: it goes to the mocked
 * Telegram whole, as the slug, and only a dev build's mock can open it.
 */
export async function openStarsInvoice(link: string): Promise<InvoiceStatus> {
  if (!openInvoice.isAvailable()) throw new InvoiceUnavailableError('this Telegram version cannot open invoices');
  const status = new URL(link).hostname === 't.me' ? await openInvoice(link, 'url') : await openInvoice(link);
  return known(status) ? status : 'failed';
}
