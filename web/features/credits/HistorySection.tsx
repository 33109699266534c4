import type { ReactNode } from 'react';
import { t } from '../../i18n';
import { BubbleIcon, ClockIcon, GiftIcon, RefundIcon, StarIcon, TonIcon } from '../../ui/icons';
import { Skeleton } from '../../ui/Skeleton';
import { describeHistoryItem, formatWhen } from './history-format';
import type { HistoryItem } from './topup-state';

const looks: Record<HistoryItem['kind'], { icon: ReactNode; tone: string }> = {
  starter: { icon: <GiftIcon className="size-[18px]" />, tone: 'bg-violet-500/15 text-violet-500' },
  topup_stars: { icon: <StarIcon className="size-[18px]" />, tone: 'bg-warning/15 text-warning' },
  topup_ton: { icon: <TonIcon className="size-[18px]" />, tone: 'bg-sky-500/15 text-sky-500' },
  job: { icon: <BubbleIcon className="size-[18px]" />, tone: 'bg-tg-hint/15 text-tg-hint' },
  refund: { icon: <RefundIcon className="size-[18px]" />, tone: 'bg-orange-500/15 text-orange-500' },
};

/** One entry; the exact signed micro-credits and, for a job, its model and tokens are in data attributes. */
function HistoryRow({ item, now }: { item: HistoryItem; now: Date }) {
  const view = describeHistoryItem(item);
  const look = looks[item.kind];
  const when = formatWhen(item.createdAt, now);
  return (
    <div
      data-testid="history-item"
      data-kind={item.kind}
      data-amount={item.amount}
      data-job-id={item.kind === 'job' ? item.id : undefined}
      data-model={item.model}
      data-prompt-tokens={item.promptTokens}
      data-completion-tokens={item.completionTokens}
      className="flex items-center gap-3 px-4 py-2.5"
    >
      <span aria-hidden="true" className={`flex size-9 shrink-0 items-center justify-center rounded-full ${look.tone}`}>{look.icon}</span>
      <div className="min-w-0 flex-1">
        <p className="truncate text-[16px] leading-snug">{view.title}</p>
        <p className="truncate text-[13px] leading-snug text-tg-hint">{when ? `${view.detail} · ${when}` : view.detail}</p>
      </div>
      <span className={`shrink-0 text-[16px] font-semibold tabular-nums ${view.incoming ? 'text-success-text' : 'text-tg-text'}`}>{view.amount}</span>
    </div>
  );
}

function Placeholder({ children }: { children: ReactNode }) {
  return <div className="flex flex-col items-center gap-1 px-6 py-7 text-center">{children}</div>;
}

interface HistorySectionProps {
  items: HistoryItem[] | undefined;
  failed: boolean;
  onRetry: () => void;
}

/** Top-ups, refunds, the welcome credits and every answer's cost, newest first. */
export function HistorySection({ items, failed, onRetry }: HistorySectionProps) {
  const now = new Date();
  let body: ReactNode;
  if (items === undefined && failed) {
    body = (
      <Placeholder>
        <p className="text-[15px]">{t('credits.history.failed')}</p>
        <button type="button" onClick={onRetry} className="min-h-11 px-3 text-[15px] text-tg-link active:opacity-60">
          {t('credits.history.retry')}
        </button>
      </Placeholder>
    );
  } else if (items === undefined) {
    body = [0, 1, 2].map((i) => (
      <div key={i} className="flex items-center gap-3 px-4 py-3" data-testid="history-loading">
        <Skeleton className="size-9 rounded-full" />
        <div className="flex flex-1 flex-col gap-1.5">
          <Skeleton className="h-3.5 w-32" />
          <Skeleton className="h-3 w-44" />
        </div>
        <Skeleton className="h-4 w-12" />
      </div>
    ));
  } else if (items.length === 0) {
    body = (
      <Placeholder>
        <ClockIcon className="mb-1 size-8 text-tg-hint" />
        <p className="text-[15px] font-semibold" data-testid="history-empty">
          {t('credits.history.empty')}
        </p>
        <p className="text-[14px] text-tg-hint">{t('credits.history.emptyBody')}</p>
      </Placeholder>
    );
  } else {
    body = items.map((item) => <HistoryRow key={item.id} item={item} now={now} />);
  }
  return (
    <section className="mb-5" data-testid="credits-history">
      <h3 className="mb-1.5 px-4 text-[13px] tracking-wide text-tg-section-header uppercase">{t('credits.history.heading')}</h3>
      <div className="divide-y divide-tg-separator overflow-hidden rounded-xl bg-tg-section-bg">{body}</div>
    </section>
  );
}
