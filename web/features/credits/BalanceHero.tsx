import { t } from '../../i18n';
import { CoinIcon } from '../../ui/icons';
import { Skeleton } from '../../ui/Skeleton';
import { creditCount, localCredits } from './credit-format';

/** The balance, large: exact micro-credits in `data-micro`, and what is held for answers in flight. */
export function BalanceHero({ balance, held }: { balance: bigint | undefined; held: bigint | undefined }) {
  return (
    <div className="flex flex-col items-center px-4 pt-5 pb-6 text-center">
      <span className="mb-3 flex size-16 items-center justify-center rounded-[22px] bg-warning/15 text-warning" aria-hidden="true">
        <CoinIcon className="size-9" />
      </span>
      {balance === undefined ? (
        <Skeleton className="h-10 w-36" />
      ) : (
        <p className="text-[40px] leading-none font-bold tracking-tight tabular-nums" aria-label={t('credits.balance.label', { amount: localCredits(balance) })}>
          <span data-testid="credits-balance" data-micro={balance.toString()}>
            {localCredits(balance)}
          </span>
        </p>
      )}
      <p className="mt-2 text-[15px] text-tg-hint">
        {t('credits.balance.unit', { count: balance === undefined ? 0 : creditCount(balance) })}
        {held !== undefined && held > 0n && <span> · {t('credits.balance.held', { amount: localCredits(held) })}</span>}
      </p>
    </div>
  );
}
