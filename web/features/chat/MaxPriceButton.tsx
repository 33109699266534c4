import { t } from '../../i18n';
import { haptics } from '../../telegram/haptics';
import { ChevronDownIcon } from '../../ui/icons';
import { creditsCount, creditsNumber } from './format';

/** The user's max price per message, always in view above the composer; opens its setting. */
export function MaxPriceButton({ maxPrice, onOpen }: { maxPrice: bigint; onOpen: () => void }) {
  return (
    <div className="flex shrink-0 justify-center bg-tg-secondary-bg pb-1">
      <button
        type="button"
        data-testid="max-price-button"
        data-micro={maxPrice.toString()}
        onClick={() => {
          haptics.tap();
          onOpen();
        }}
        className="flex min-h-11 items-center gap-1 rounded-full px-3 text-[13px] text-tg-hint transition active:opacity-60"
      >
        {t('chat.maxPrice.button', { count: creditsCount(maxPrice), amount: creditsNumber(maxPrice) })}
        <ChevronDownIcon className="size-3" />
      </button>
    </div>
  );
}
