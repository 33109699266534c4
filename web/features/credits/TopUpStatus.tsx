import type { ReactNode } from 'react';
import { formatCredits } from '@cocoon/shared/pricing';
import { CheckIcon, CrossIcon, WarningIcon } from '../../ui/icons';
import { Spinner } from '../../ui/Spinner';
import { friendlyMessage } from '../chat/error-messages';
import type { TopUp } from './topup-state';

interface Look {
  icon: ReactNode;
  tone: string;
  title: string;
  body?: string | undefined;
}

const pendingLooks = {
  stars: {
    invoice: { title: 'Waiting for payment…', body: 'Complete the purchase in Telegram.' },
    crediting: { title: 'Payment received', body: 'Adding credits to your balance…' },
  },
  ton: {
    wallet: { title: 'Confirm in your wallet…', body: 'Approve the transfer in the wallet you connected.' },
    crediting: { title: 'Waiting for the chain…', body: 'Credits arrive once the transfer is final on TON.' },
  },
} as const;

function lookOf(t: Exclude<TopUp, { state: 'idle'; cancelled: null }>): Look {
  switch (t.state) {
    case 'pending': {
      const texts = (pendingLooks[t.method] as Record<string, { title: string; body: string }>)[t.step] ?? pendingLooks[t.method].crediting;
      return { icon: <Spinner className="size-5" />, tone: 'text-tg-link', ...texts };
    }
    case 'success':
      return { icon: <CheckIcon className="size-5" />, tone: 'text-success', title: `+${formatCredits(t.credited)} credits added`, body: 'Your balance is up to date.' };
    case 'error': {
      const { title, body } = friendlyMessage(t.error.code);
      return { icon: <WarningIcon className="size-5" />, tone: 'text-tg-destructive', title, body };
    }
    case 'idle':
      return { icon: <CrossIcon className="size-4" />, tone: 'text-tg-hint', title: t.cancelled === 'ton' ? 'Transfer cancelled' : 'Payment cancelled', body: 'Nothing was charged.' };
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
        <button type="button" aria-label="Dismiss" onClick={onDismiss} className="-m-1 p-1 text-tg-hint active:opacity-60">
          <CrossIcon className="size-4" />
        </button>
      )}
    </div>
  );
}
