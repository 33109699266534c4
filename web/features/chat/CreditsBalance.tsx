import { t } from '../../i18n';
import { CoinIcon, PlusIcon } from '../../ui/icons';
import { Skeleton } from '../../ui/Skeleton';
import { creditsNumber, creditsText } from './format';

/**
 * The user's credit balance, a button to the Credits screen; exact micro-credits in `data-micro`. A
 * hairline border keeps the pill visible where the header and its fill share a colour (iOS dark).
 */
export function CreditsBalance({ balance, onOpen }: { balance: bigint | undefined; onOpen: () => void }) {
  if (balance === undefined) return <Skeleton className="h-8 w-20 rounded-full" />;
  return (
    <button
      type="button"
      data-testid="credits-pill"
      onClick={onOpen}
      className="flex shrink-0 items-center gap-1.5 min-h-11 rounded-full border border-tg-hint/35 bg-tg-secondary-bg py-1.5 pr-1.5 pl-2 text-[15px] font-semibold tabular-nums transition active:scale-95 active:opacity-70"
      aria-label={t('chat.balance.label', { balance: creditsText(balance) })}
    >
      <CoinIcon className="size-[18px] text-warning" />
      <span data-testid="credits-balance" data-micro={balance.toString()}>
        {creditsNumber(balance)}
      </span>
      <span className="flex size-5 items-center justify-center rounded-full bg-tg-button text-tg-button-text">
        <PlusIcon className="size-3" />
      </span>
    </button>
  );
}
