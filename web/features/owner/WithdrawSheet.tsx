import { useDeferredValue, useState } from 'react';
import type { OwnerResponse } from '@cocoon/shared/protocol/owner';
import { t } from '../../i18n';
import { haptics } from '../../telegram/haptics';
import { useMainButton } from '../../telegram/main-button';
import { shortAddress } from '../../ton/address';
import { Row } from '../../ui/Section';
import { Sheet } from '../../ui/Sheet';
import { Skeleton } from '../../ui/Skeleton';
import { creditCount, localCredits, localTon } from '../credits/credit-format';
import { PrimaryButton } from '../developer/PrimaryButton';
import { payoutErrorText } from './owner-errors';
import { usePayoutQuote, useWithdraw } from './queries';
import { InlineError } from './ui';
import { checkAmount, creditsInput, newIdempotencyKey } from './withdraw-state';

/** Message ids of why an amount can't be withdrawn (read when shown, in the active language). */
const reasonText = {
  invalid: 'owner.withdraw.invalid',
  below_minimum: 'owner.withdraw.belowMinimum',
  insufficient: 'owner.withdraw.insufficient',
  nothing: 'owner.withdraw.nothing',
} as const;

function WithdrawForm({ owner, payoutFriendly, onDone }: { owner: OwnerResponse; payoutFriendly: string; onDone: () => void }) {
  const { withdrawable } = owner.totals;
  const { minWithdraw } = owner.payoutRules;
  const [input, setInput] = useState(() => creditsInput(withdrawable));
  // One key per attempt: a new amount is a new attempt; a retry of the same one reuses the key.
  const [key, setKey] = useState(newIdempotencyKey);
  const check = checkAmount(input, withdrawable, minWithdraw);
  const amount = useDeferredValue(check.ok ? check.amount : null);
  const quote = usePayoutQuote(amount);
  const withdraw = useWithdraw();
  const quoted = quote.data && check.ok && quote.data.amount === check.amount ? quote.data : undefined;

  const confirm = () => {
    if (!quoted || withdraw.isPending) return;
    haptics.tap();
    withdraw.mutate(
      { amount: quoted.amount, idempotencyKey: key },
      {
        onSuccess: () => {
          haptics.success();
          onDone();
        },
        onError: () => haptics.error(),
      },
    );
  };
  const text = quoted ? t('owner.withdraw.buttonTon', { amount: localTon(quoted.valueNano) }) : t('owner.withdraw.button');
  const native = useMainButton({ text, visible: true, enabled: quoted !== undefined, loading: withdraw.isPending, onClick: confirm });

  return (
    <div data-testid="withdraw-form">
      <label htmlFor="withdraw-amount" className="mb-1.5 block px-1 text-[13px] text-tg-hint">
        {t('owner.withdraw.amountLabel', { max: localCredits(withdrawable) })}
      </label>
      <div className="flex gap-2">
        <input
          id="withdraw-amount"
          data-testid="withdraw-amount"
          inputMode="decimal"
          autoComplete="off"
          value={input}
          aria-invalid={!check.ok}
          onChange={(e) => {
            setInput(e.target.value);
            setKey(newIdempotencyKey());
            withdraw.reset();
          }}
          className="h-12 min-w-0 flex-1 rounded-xl bg-tg-section-bg px-4 text-[17px] tabular-nums outline-none focus:ring-2 focus:ring-tg-button"
        />
        <button
          type="button"
          onClick={() => {
            haptics.select();
            setInput(creditsInput(withdrawable));
            setKey(newIdempotencyKey());
          }}
          className="h-12 shrink-0 rounded-xl bg-tg-section-bg px-4 text-[15px] text-tg-link active:opacity-60"
        >
          {t('owner.withdraw.all')}
        </button>
      </div>
      {!check.ok && <InlineError testId="withdraw-amount-error">{t(reasonText[check.reason])}</InlineError>}
      <p className="mt-1.5 px-1 text-[12px] text-tg-hint">{t('owner.withdraw.minimum', { count: creditCount(minWithdraw), amount: localCredits(minWithdraw) })}</p>

      <div className="mt-4 divide-y divide-tg-separator overflow-hidden rounded-xl bg-tg-section-bg" data-testid="withdraw-quote" aria-live="polite">
        {quoted ? (
          <>
            <Row label={t('owner.withdraw.youWithdraw')}>{t('owner.withdraw.credits', { count: creditCount(quoted.amount), amount: localCredits(quoted.amount) })}</Row>
            <Row label={t('owner.withdraw.fee')}>
              <span data-testid="withdraw-fee" data-nano={quoted.feeNano.toString()}>
                {t('owner.ton', { amount: localTon(quoted.feeNano) })}
              </span>
            </Row>
            <Row label={t('owner.withdraw.arrives')}>
              <b className="font-semibold text-tg-text" data-testid="withdraw-arrives" data-nano={quoted.valueNano.toString()}>
                {t('owner.ton', { amount: localTon(quoted.valueNano) })}
              </b>
            </Row>
            <Row label={t('owner.withdraw.to')}>
              <span className="font-mono" title={payoutFriendly}>
                {shortAddress(payoutFriendly, 6)}
              </span>
            </Row>
          </>
        ) : quote.isError && check.ok ? (
          <div className="p-3">
            <InlineError testId="withdraw-quote-error">{payoutErrorText(quote.error)}</InlineError>
          </div>
        ) : (
          <div className="flex flex-col gap-2 p-4" aria-busy={check.ok}>
            <Skeleton className="h-4 w-2/3" />
            <Skeleton className="h-4 w-1/2" />
          </div>
        )}
      </div>
      {withdraw.isError && <InlineError testId="withdraw-error">{payoutErrorText(withdraw.error)}</InlineError>}
      <p className="mt-3 px-1 text-[13px] leading-snug text-tg-hint">
        {t('owner.withdraw.note')}
      </p>
      {!native && (
        <div className="mt-4">
          <PrimaryButton testId="withdraw-confirm" disabled={!quoted} busy={withdraw.isPending} onClick={confirm}>
            {text}
          </PrimaryButton>
        </div>
      )}
    </div>
  );
}

/** Withdraw: an amount (all by default), the quote (fee, what arrives), confirmed with Telegram's Main Button. */
export function WithdrawSheet({ open, onClose, owner }: { open: boolean; onClose: () => void; owner: OwnerResponse }) {
  const payout = owner.owner;
  // The form mounts with each opening: a fresh amount and a fresh attempt key.
  return (
    <Sheet open={open} onClose={onClose} title={t('owner.withdraw.title')} testId="withdraw-sheet">
      {payout && <WithdrawForm owner={owner} payoutFriendly={payout.payoutFriendly} onDone={onClose} />}
    </Sheet>
  );
}
