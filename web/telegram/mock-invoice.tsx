import { useState } from 'react';
import { createRoot } from 'react-dom/client';
import { SessionResponseSchema } from '@cocoon/shared/protocol/api';
import { DevStarsPayResponseSchema } from '@cocoon/shared/protocol/payments';
import { api } from '../api/http';
import { friendlyMessage, toUiError } from '../features/chat/error-messages';
import { StarIcon, WarningIcon } from '../ui/icons';

/**
 * Dev and e2e builds only: what the mocked Telegram shows for `web_app_open_invoice`. Real
 * Telegram shows its own payment sheet; this one pays through the dev broker's Bot API stand-in
 * (POST /api/dev/stars/pay, as the user the mock signed in), then reports the outcome as Telegram
 * does, with `invoice_closed`.
 */
export type InvoiceOutcome = 'paid' | 'cancelled' | 'failed';

/**
 * `openInvoice` hands the mock only a slug. A stand-in link is not on t.me, so the app passes the
 * whole link as the slug; a t.me slug is turned back into its link.
 */
export const invoiceLinkOf = (slug: string): string => (/^https?:\/\//.test(slug) ? slug : `https://t.me/$${slug}`);

/** Pays as the mocked user: a session of its own from the same init data the app signed in with. */
async function payTestInvoice(invoiceLink: string, initData: string): Promise<void> {
  const { token } = await api('/api/session', SessionResponseSchema, { method: 'POST', body: { initData } });
  await api('/api/dev/stars/pay', DevStarsPayResponseSchema, { method: 'POST', body: { invoiceLink }, token });
}

function TestInvoiceSheet({ link, initData, onClose }: { link: string; initData: string; onClose: (outcome: InvoiceOutcome) => void }) {
  const [paying, setPaying] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const pay = () => {
    setPaying(true);
    payTestInvoice(link, initData).then(
      () => onClose('paid'),
      (e: unknown) => {
        setPaying(false);
        setError(friendlyMessage(toUiError(e).code).body);
      },
    );
  };
  return (
    <div className="fixed inset-0 z-[60] flex flex-col justify-end">
      <button aria-label="Cancel payment" className="absolute inset-0 animate-fade-in bg-black/40" onClick={() => onClose('cancelled')} />
      <section
        role="dialog"
        aria-modal="true"
        aria-label="Test payment"
        data-testid="test-invoice-sheet"
        className="relative flex animate-sheet-in flex-col items-center rounded-t-2xl bg-tg-bg px-5 pt-2 pb-[calc(var(--inset-bottom)+16px)] text-center shadow-2xl"
      >
        <span className="mb-4 h-1 w-9 rounded-full bg-tg-hint/40" />
        <span className="mb-3 rounded-full bg-warning px-2.5 py-0.5 text-[12px] font-bold tracking-wide text-black uppercase">Test payment</span>
        <span className="mb-3 flex size-16 items-center justify-center rounded-full bg-warning/15 text-warning">
          <StarIcon className="size-9" />
        </span>
        <h2 className="text-[20px] font-semibold">Confirm test purchase</h2>
        <p className="mt-1.5 max-w-xs text-[14px] leading-snug text-tg-hint">
          This build pays invoices through a local stand-in for Telegram. No real Stars are charged.
        </p>
        <p className="mt-2 max-w-full truncate font-mono text-[11px] text-tg-hint/80">{link}</p>
        {error && (
          <p className="mt-3 flex items-start gap-1.5 text-left text-[13px] text-tg-destructive" role="alert">
            <WarningIcon className="mt-px size-4 shrink-0" />
            {error}
          </p>
        )}
        <button
          type="button"
          data-testid="test-invoice-pay"
          disabled={paying}
          onClick={pay}
          className="mt-5 w-full rounded-xl bg-tg-button py-3.5 text-[16px] font-semibold text-tg-button-text transition active:opacity-80 disabled:opacity-60"
        >
          {paying ? 'Paying…' : 'Pay (test)'}
        </button>
        <button
          type="button"
          data-testid="test-invoice-cancel"
          disabled={paying}
          onClick={() => onClose(error ? 'failed' : 'cancelled')}
          className="mt-2 w-full py-2.5 text-[16px] text-tg-link active:opacity-60 disabled:opacity-40"
        >
          {error ? 'Close' : 'Cancel'}
        </button>
      </section>
    </div>
  );
}

/** Shows the sheet for one invoice; `done` gets the outcome once it closes. */
export function showTestInvoice(slug: string, initData: string, done: (outcome: InvoiceOutcome) => void): void {
  const host = document.createElement('div');
  document.body.append(host);
  const root = createRoot(host);
  const close = (outcome: InvoiceOutcome) => {
    root.unmount();
    host.remove();
    done(outcome);
  };
  root.render(<TestInvoiceSheet link={invoiceLinkOf(slug)} initData={initData} onClose={close} />);
}
