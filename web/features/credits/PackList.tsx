import { useModels } from '../../api/queries';
import { formatNumber, t } from '../../i18n';
import { CoinIcon, StarIcon, TonIcon } from '../../ui/icons';
import { Skeleton } from '../../ui/Skeleton';
import { creditCount, localCredits, localTon, perCredit } from './credit-format';
import { messagesFor, typicalMessageCost } from './message-estimate';
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

// 44 px tall: a comfortable tap target, on a row of their own so pack names never share it at 320 px.
const priceButton = 'flex h-11 min-w-0 flex-1 items-center justify-center gap-1.5 rounded-[10px] px-3 text-[15px] font-semibold tabular-nums transition active:scale-[0.98] disabled:opacity-50';

interface PackRowProps {
  pack: CreditPack;
  saving: number;
  /** A typical message's cost in micro-credits; null while the models load. */
  messageCost: bigint | null;
  busy: boolean;
  onStars: () => void;
  onTon: (() => void) | null;
}

function PackRow({ pack, saving, messageCost, busy, onStars, onTon }: PackRowProps) {
  const credits = localCredits(pack.credits);
  const name = t('credits.pack.name', { count: creditCount(pack.credits), amount: credits });
  const ton = localTon(pack.nanoton);
  const worth = perCredit(pack);
  const messages = messageCost === null ? 0 : messagesFor(pack.credits, messageCost);
  return (
    <div data-testid="credit-pack" data-pack-id={pack.id} className="px-4 py-3">
      <div className="flex items-start gap-3">
        <span className="flex size-9 shrink-0 items-center justify-center rounded-full bg-warning/15 text-warning" aria-hidden="true">
          <CoinIcon className="size-5" />
        </span>
        <div className="min-w-0 flex-1">
          <div className="flex flex-wrap items-center gap-x-2 gap-y-1">
            <p data-testid="credit-pack-name" className="text-[16px] leading-tight font-semibold">
              {name}
            </p>
            {saving >= 5 && (
              <span data-testid="credit-pack-saving" className="rounded-full border border-success-text/50 px-2 text-[13px] leading-[18px] font-semibold text-success-text">
                {t('credits.pack.save', { percent: saving })}
              </span>
            )}
          </div>
          {messages > 0 && (
            <p data-testid="credit-pack-messages" className="mt-0.5 text-[14px] leading-snug">
              {t('credits.pack.messages', { count: messages, formatted: formatNumber(messages) })}
            </p>
          )}
          <p data-testid="credit-pack-worth" className="mt-0.5 text-[13px] leading-snug text-tg-hint">
            {onTon
              ? t('credits.pack.worthTon', { count: worth.stars, stars: formatNumber(worth.stars, { maximumFractionDigits: 2 }), ton: formatNumber(worth.ton, { maximumFractionDigits: 4 }) })
              : t('credits.pack.worth', { count: worth.stars, stars: formatNumber(worth.stars, { maximumFractionDigits: 2 }) })}
          </p>
        </div>
      </div>
      <div className="mt-2.5 flex gap-2 pl-12">
        <button
          type="button"
          data-testid="buy-stars-button"
          aria-label={t('credits.pack.buyStars', { name, count: pack.stars, stars: formatNumber(pack.stars) })}
          disabled={busy}
          onClick={onStars}
          className={`${priceButton} bg-tg-button text-tg-button-text`}
        >
          <StarIcon className="size-4 shrink-0" />
          {formatNumber(pack.stars)}
        </button>
        {onTon && (
          <button
            type="button"
            data-testid="buy-ton-button"
            aria-label={t('credits.pack.buyTon', { name, ton })}
            disabled={busy}
            onClick={onTon}
            className={`${priceButton} bg-tg-secondary-bg text-tg-link`}
          >
            <TonIcon className="size-4 shrink-0" />
            {t('credits.ton', { amount: ton })}
          </button>
        )}
      </div>
    </div>
  );
}

/** The packs for sale, each payable in Stars or in TON, with what a credit is worth and what a pack buys. */
export function PackList({ packs, busy, tonAvailable, testPayments, onStars, onTon }: PackListProps) {
  const models = useModels();
  const messageCost = typicalMessageCost(models.data?.models.map((m) => m.price) ?? []);
  return (
    <section className="mb-5">
      <h3 className="mb-1.5 px-4 text-[13px] tracking-wide text-tg-section-header uppercase">{t('credits.pack.heading')}</h3>
      <div className="divide-y divide-tg-separator overflow-hidden rounded-xl bg-tg-section-bg">
        {packs
          ? packs.map((p) => (
              <PackRow key={p.id} pack={p} saving={starsSaving(p, packs)} messageCost={messageCost} busy={busy} onStars={() => onStars(p)} onTon={tonAvailable ? () => onTon(p) : null} />
            ))
          : [0, 1, 2].map((i) => (
              <div key={i} className="flex items-center gap-3 px-4 py-3">
                <Skeleton className="size-9 rounded-full" />
                <Skeleton className="h-4 flex-1" />
                <Skeleton className="h-11 w-16 rounded-[10px]" />
              </div>
            ))}
      </div>
      <p className="mt-1.5 px-4 text-[13px] leading-snug text-tg-hint">
        {messageCost !== null && `${t('credits.pack.messageNote', { count: creditCount(messageCost), cost: localCredits(messageCost) })} `}
        {testPayments ? t('credits.pack.testPayments') : t('credits.pack.confirmNote')}
      </p>
    </section>
  );
}
