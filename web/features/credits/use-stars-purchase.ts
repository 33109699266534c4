import { useCallback, type Dispatch } from 'react';
import type { z } from 'zod';
import { StarsInvoiceResponseSchema, type CreditPackSchema } from '@cocoon/shared/protocol/payments';
import { useSession } from '../../api/session';
import { haptics } from '../../telegram/haptics';
import { InvoiceUnavailableError, openStarsInvoice } from '../../telegram/invoice';
import { toUiError } from '../chat/error-messages';
import type { TopUpAction } from './topup-state';

export type CreditPack = z.output<typeof CreditPackSchema>;

/**
 * Buying a pack with Stars, as Telegram's rules for digital goods ask: the broker creates the
 * invoice (POST /api/payments/stars/invoice), Telegram's payment sheet takes the payment
 * (`openInvoice`), and the broker credits it when Telegram tells it (`successful_payment`), never
 * because this sheet closed with "paid".
 */
export function useStarsPurchase(dispatch: Dispatch<TopUpAction>, knownHistory: () => Promise<readonly string[]>) {
  const { post } = useSession();
  return useCallback(
    async (pack: CreditPack) => {
      haptics.tap();
      dispatch({ type: 'start', method: 'stars' });
      try {
        const [known, invoice] = await Promise.all([knownHistory(), post('/api/payments/stars/invoice', { packId: pack.id }, StarsInvoiceResponseSchema)]);
        const status = await openStarsInvoice(invoice.invoiceLink);
        if (status === 'paid' || status === 'pending') return dispatch({ type: 'sent', known, now: Date.now() });
        if (status === 'cancelled') return dispatch({ type: 'cancelled' });
        haptics.error();
        dispatch({ type: 'failed', error: { code: 'client.payment_failed' } });
      } catch (e) {
        haptics.error();
        dispatch({ type: 'failed', error: e instanceof InvoiceUnavailableError ? { code: 'client.invoice_unavailable' } : toUiError(e) });
      }
    },
    [dispatch, knownHistory, post],
  );
}
