import { useState, type FormEvent } from 'react';
import { t } from '../../i18n';
import { creditsForNanoton, parseTon } from '../../ton/amount';
import { creditCount, localCredits } from './credit-format';

interface TonAmountFormProps {
  microCreditsPerTon: bigint;
  busy: boolean;
  onSubmit: (nanoton: bigint) => void;
}

const previewText = (micro: bigint) => t('credits.ton.preview', { count: creditCount(micro), amount: localCredits(micro) });

/** A free amount of TON to top up with, and what it comes to at the broker's rate. */
export function TonAmountForm({ microCreditsPerTon, busy, onSubmit }: TonAmountFormProps) {
  const [text, setText] = useState('');
  const nanoton = parseTon(text);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (nanoton !== null && !busy) onSubmit(nanoton);
  };
  return (
    <form onSubmit={submit} className="px-4 py-2.5">
      <div className="flex items-center gap-2">
        <label className="flex min-w-0 flex-1 items-center gap-2 rounded-[10px] bg-tg-secondary-bg px-3">
          <input
            data-testid="ton-amount-input"
            inputMode="decimal"
            autoComplete="off"
            placeholder={t('credits.ton.amountPlaceholder')}
            aria-label={t('credits.ton.amountLabel')}
            value={text}
            onChange={(e) => setText(e.target.value)}
            className="h-11 min-w-0 flex-1 bg-transparent text-[16px] text-tg-text outline-none placeholder:text-tg-hint"
          />
          <span className="text-[15px] text-tg-hint">TON</span>
        </label>
        <button
          type="submit"
          data-testid="ton-amount-submit"
          disabled={nanoton === null || busy}
          className="h-11 shrink-0 rounded-[10px] bg-tg-button px-4 text-[15px] font-semibold text-tg-button-text transition active:opacity-80 disabled:opacity-40"
        >
          {t('credits.ton.topUp')}
        </button>
      </div>
      <p className="mt-1.5 text-[13px] text-tg-hint">
        {nanoton !== null
          ? previewText(creditsForNanoton(nanoton, microCreditsPerTon))
          : t('credits.ton.rate', { count: creditCount(microCreditsPerTon), amount: localCredits(microCreditsPerTon) })}
      </p>
    </form>
  );
}
