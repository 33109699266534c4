import type { Price } from '@cocoon/shared/pricing';
import { t } from '../../i18n';
import { Sheet } from '../../ui/Sheet';
import { usePrefetch } from './lazy-module';
import { LazyPart } from './LazyPart';
import { chatSheets } from './sheets-module';

interface MaxPriceSheetProps {
  open: boolean;
  onClose: () => void;
  /** The user's max price per message, in micro-credits. */
  maxPrice: bigint;
  onChange: (micro: bigint) => void;
  /** The model's base price and the chosen host's coefficient, when known. */
  price: Price | undefined;
  coefficientMilli: bigint | undefined;
  /** The answer budget the app asks for when the max allows it. */
  maxTokens: number;
}

/** The user's max price per message; the setting itself comes in the sheets' chunk (chat-sheets.ts). */
export function MaxPriceSheet({ open, onClose, ...settings }: MaxPriceSheetProps) {
  usePrefetch(chatSheets);
  return (
    <Sheet open={open} onClose={onClose} title={t('chat.maxPrice.title')} testId="max-price-sheet">
      <LazyPart module={chatSheets}>{(m) => <m.MaxPriceSettings {...settings} />}</LazyPart>
    </Sheet>
  );
}
