import { formatCredits } from '@cocoon/shared/pricing';
import { haptics } from '../../telegram/haptics';
import { ChevronDownIcon } from '../../ui/icons';

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
        className="flex items-center gap-1 rounded-full px-3 py-1 text-[12px] text-tg-hint transition active:opacity-60"
      >
        Max {formatCredits(maxPrice)} credits per message
        <ChevronDownIcon className="size-3" />
      </button>
    </div>
  );
}
