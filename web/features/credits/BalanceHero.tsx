import { formatCredits } from '@cocoon/shared/pricing';
import { CoinIcon } from '../../ui/icons';
import { Skeleton } from '../../ui/Skeleton';

/** The balance, large: exact micro-credits in `data-micro`, and what is held for answers in flight. */
export function BalanceHero({ balance, held }: { balance: bigint | undefined; held: bigint | undefined }) {
  return (
    <div className="flex flex-col items-center px-4 pt-5 pb-6 text-center">
      <span className="mb-3 flex size-16 items-center justify-center rounded-[22px] bg-warning/15 text-warning">
        <CoinIcon className="size-9" />
      </span>
      {balance === undefined ? (
        <Skeleton className="h-10 w-36" />
      ) : (
        <p className="text-[40px] leading-none font-bold tracking-tight tabular-nums" aria-label={`Balance: ${formatCredits(balance)} credits`}>
          <span data-testid="credits-balance" data-micro={balance.toString()}>
            {formatCredits(balance)}
          </span>
        </p>
      )}
      <p className="mt-2 text-[15px] text-tg-hint">
        credits
        {held !== undefined && held > 0n && <span> · {formatCredits(held)} on hold for answers in progress</span>}
      </p>
    </div>
  );
}
