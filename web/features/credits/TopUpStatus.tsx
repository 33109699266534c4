import type { ReactNode } from 'react';
import { t } from '../../i18n';
import { CheckIcon, CrossIcon, WarningIcon } from '../../ui/icons';
import { Spinner } from '../../ui/Spinner';
import { friendlyMessage } from '../chat/error-messages';
import { creditCount, localCredits } from './credit-format';
import type { TopUp } from './topup-state';

interface Look {
  icon: ReactNode;
  tone: string;
  title: string;
  body?: string | undefined;
}

/** Message ids (`credits.status.<id>.title` / `.body`) of each pending step. */
const pendingLooks = {
  stars: { invoice: 'starsInvoice', crediting: 'starsCrediting' },
  ton: { wallet: 'tonWallet', crediting: 'tonCrediting' },
} as const;

function lookOf(topUp: Exclude<TopUp, { state: 'idle'; cancelled: null }>): Look {
  switch (topUp.state) {
    case 'pending': {
      const id = (pendingLooks[topUp.method] as Record<string, string>)[topUp.step] ?? pendingLooks[topUp.method].crediting;
      return { icon: <Spinner className="size-5" />, tone: 'text-tg-link', title: t(`credits.status.${id}.title`), body: t(`credits.status.${id}.body`) };
    }
    case 'success':
      return {
        icon: <CheckIcon className="size-5" />,
        tone: 'text-success-text',
        title: t('credits.status.added', { count: creditCount(topUp.credited), amount: localCredits(topUp.credited) }),
        body: t('credits.status.addedBody'),
      };
    case 'error': {
      const { title, body } = friendlyMessage(topUp.error.code);
      return { icon: <WarningIcon className="size-5" />, tone: 'text-tg-destructive', title, body };
    }
    case 'idle':
      return {
        icon: <CrossIcon className="size-4" />,
        tone: 'text-tg-hint',
        title: topUp.cancelled === 'ton' ? t('credits.status.transferCancelled') : t('credits.status.paymentCancelled'),
        body: t('credits.status.nothingCharged'),
      };
  }
}

/**
 * Where a top-up stands, from the tap to the credit: `data-state` idle | pending | success | error
 * (`data-method`, `data-step` while pending). Nothing visible while idle.
 */
export function TopUpStatus({ topUp, onDismiss }: { topUp: TopUp; onDismiss: () => void }) {
  const attrs = {
    'data-testid': 'topup-status',
    'data-state': topUp.state,
    'data-method': topUp.state === 'idle' ? (topUp.cancelled ?? undefined) : topUp.method,
    'data-step': topUp.state === 'pending' ? topUp.step : undefined,
    'data-outcome': topUp.state === 'idle' && topUp.cancelled ? 'cancelled' : undefined,
  };
  if (topUp.state === 'idle' && !topUp.cancelled) return <div {...attrs} hidden />;
  const look = lookOf(topUp);
  const dismissable = topUp.state !== 'pending';
  return (
    <div
      {...attrs}
      role="status"
      aria-live="polite"
      className="mb-5 flex animate-rise items-start gap-3 rounded-xl bg-tg-section-bg px-4 py-3 shadow-[0_0.5px_1px_rgb(0_0_0/0.08)]"
    >
      <span className={`mt-0.5 shrink-0 ${look.tone}`}>{look.icon}</span>
      <div className="min-w-0 flex-1">
        <p className="text-[15px] leading-snug font-semibold">{look.title}</p>
        {look.body && <p className="mt-0.5 text-[14px] leading-snug text-tg-hint">{look.body}</p>}
      </div>
      {dismissable && (
        <button type="button" aria-label={t('credits.status.dismiss')} onClick={onDismiss} className="-my-2.5 -mr-3 flex size-11 shrink-0 items-center justify-center text-tg-hint active:opacity-60">
          <CrossIcon className="size-4" />
        </button>
      )}
    </div>
  );
}
