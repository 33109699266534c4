import { formatCredits } from '@cocoon/shared/pricing';
import { formatTon } from '../../ton/amount';
import { CoinIcon, StarIcon, TonIcon } from '../../ui/icons';
import { Skeleton } from '../../ui/Skeleton';
import { starsSaving } from './pack-value';
import type { CreditPack } from './use-stars-purchase';

interface PackListProps {
  packs: CreditPack[] | undefined;
  busy: boolean;
  /** The broker takes TON deposits: each pack also shows its TON price. */
  tonAvailable: boolean;
  testPayments: boolean;
  onStars: (pack: CreditPack) => void;
  onTon: (pack: CreditPack) => void;
}

const priceButton = 'flex h-8 shrink-0 items-center gap-1 rounded-full px-3 text-[14px] font-semibold tabular-nums transition active:scale-95 disabled:opacity-50';

function PackRow({ pack, saving, busy, onStars, onTon }: { pack: CreditPack; saving: number; busy: boolean; onStars: () => void; onTon: (() => void) | null }) {
  const credits = formatCredits(pack.credits);
  return (
    <div data-testid="credit-pack" data-pack-id={pack.id} className="flex items-center gap-3 px-4 py-2.5">
      <span className="flex size-9 shrink-0 items-center justify-center rounded-full bg-warning/15 text-warning">
        <CoinIcon className="size-5" />
      </span>
      <div className="min-w-0 flex-1">
        <p className="truncate text-[16px] leading-tight font-semibold">{credits} credits</p>
        {saving >= 5 && <p className="text-[13px] leading-tight text-success">Save {saving}%</p>}
      </div>
      <button
        type="button"
        data-testid="buy-stars-button"
        aria-label={`Buy ${credits} credits for ${pack.stars} Stars`}
        disabled={busy}
        onClick={onStars}
        className={`${priceButton} bg-tg-button text-tg-button-text`}
      >
        <StarIcon className="size-3.5" />
        {pack.stars}
      </button>
      {onTon && (
        <button
          type="button"
          data-testid="buy-ton-button"
          aria-label={`Buy ${credits} credits for ${formatTon(pack.nanoton)} TON`}
          disabled={busy}
          onClick={onTon}
          className={`${priceButton} bg-tg-button/12 text-tg-link`}
        >
          <TonIcon className="size-3.5" />
          {formatTon(pack.nanoton)} TON
        </button>
      )}
    </div>
  );
}

/** The packs for sale, each payable in Stars or in TON. */
export function PackList({ packs, busy, tonAvailable, testPayments, onStars, onTon }: PackListProps) {
  return (
    <section className="mb-5">
      <h3 className="mb-1.5 px-4 text-[13px] tracking-wide text-tg-section-header uppercase">Buy credits</h3>
      <div className="divide-y divide-tg-separator overflow-hidden rounded-xl bg-tg-section-bg">
        {packs
          ? packs.map((p) => <PackRow key={p.id} pack={p} saving={starsSaving(p, packs)} busy={busy} onStars={() => onStars(p)} onTon={tonAvailable ? () => onTon(p) : null} />)
          : [0, 1, 2].map((i) => (
              <div key={i} className="flex items-center gap-3 px-4 py-3">
                <Skeleton className="size-9 rounded-full" />
                <Skeleton className="h-4 flex-1" />
                <Skeleton className="h-8 w-16 rounded-full" />
              </div>
            ))}
      </div>
      <p className="mt-1.5 px-4 text-[13px] leading-snug text-tg-hint">
        {testPayments
          ? 'Test payments: Stars purchases go to a local stand-in for Telegram, and no real Stars are charged.'
          : 'Credits are added as soon as Telegram or the TON network confirms your payment.'}
      </p>
    </section>
  );
}
