import { formatCredits } from '../../../shared/pricing';
import { CoinIcon } from '../../ui/icons';
import { Skeleton } from '../../ui/Skeleton';

/** The user's credit balance: the formatted number, and exact micro-credits in `data-micro`. */
export function CreditsBalance({ balance }: { balance: bigint | undefined }) {
  if (balance === undefined) return <Skeleton className="h-8 w-20 rounded-full" />;
  return (
    <div
      className="flex shrink-0 items-center gap-1.5 rounded-full bg-tg-secondary-bg py-1.5 pr-3 pl-2 text-[15px] font-semibold tabular-nums"
      aria-label={`Balance: ${formatCredits(balance)} credits`}
    >
      <CoinIcon className="size-[18px] text-warning" />
      <span data-testid="credits-balance" data-micro={balance.toString()}>
        {formatCredits(balance)}
      </span>
    </div>
  );
}
