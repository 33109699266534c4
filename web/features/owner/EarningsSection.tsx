import { lazy, Suspense, useMemo, useState } from 'react';
import type { OwnerResponse } from '@cocoon/shared/protocol/owner';
import { t } from '../../i18n';
import { creditCount, localCredits, localTon } from '../credits/credit-format';
import { haptics } from '../../telegram/haptics';
import { CoinIcon, GiftIcon } from '../../ui/icons';
import { Row } from '../../ui/Section';
import { Skeleton } from '../../ui/Skeleton';
import { chartSeries, periodSums } from './chart-data';
import { formatBps, microToNano } from './owner-format';
import { useEarnings } from './queries';
import { LoadError, SectionHeader } from './ui';

/** uPlot and the chart load on first view of the earnings, in their own chunk. */
const EarningsChart = lazy(() => import('./EarningsChart'));

function delayText(s: number): string {
  if (s % 86_400 === 0 && s > 0) return s / 86_400 === 1 ? t('owner.time.hours', { count: 24 }) : t('owner.time.days', { count: s / 86_400 });
  if (s >= 3600) return t('owner.time.hours', { count: Math.round(s / 3600) });
  if (s >= 60) return t('owner.time.minutes', { count: Math.round(s / 60) });
  return t('owner.time.seconds', { count: s });
}

function Period({ days, onChange }: { days: 7 | 30; onChange: (d: 7 | 30) => void }) {
  return (
    <div role="radiogroup" aria-label={t('owner.earnings.period')} className="flex rounded-lg bg-tg-secondary-bg p-0.5 text-[13px]">
      {([7, 30] as const).map((d) => (
        <button
          key={d}
          type="button"
          role="radio"
          aria-checked={days === d}
          data-testid={`earnings-period-${d}`}
          onClick={() => {
            haptics.select();
            onChange(d);
          }}
          className={`min-h-9 min-w-14 rounded-md px-3 font-medium ${days === d ? 'bg-tg-section-bg shadow-sm' : 'text-tg-hint'}`}
        >
          {t('owner.earnings.days', { count: d })}
        </button>
      ))}
    </div>
  );
}

function Chart() {
  const [days, setDays] = useState<7 | 30>(7);
  const earnings = useEarnings(days, true);
  const series = useMemo(() => (earnings.data ? chartSeries(earnings.data.days) : null), [earnings.data]);
  const sums = earnings.data ? periodSums(earnings.data.days) : null;
  const label = sums
    ? t('owner.earnings.chartLabel', { count: creditCount(sums.total), total: localCredits(sums.total), days, promotional: localCredits(sums.promotional) })
    : '';
  return (
    <div className="px-4 py-3">
      <div className="mb-2 flex items-center justify-between gap-3">
        <p className="min-w-0 text-[15px]">
          <span className="block">{t('owner.earnings.daily')}</span>
          <span className="block text-[13px] text-tg-hint tabular-nums" data-testid="earnings-period-sum">
            {sums ? t('owner.earnings.credits', { count: creditCount(sums.total), amount: localCredits(sums.total) }) : ' '}
          </span>
        </p>
        <Period days={days} onChange={setDays} />
      </div>
      {earnings.isError && !earnings.data ? (
        <LoadError message={t('owner.earnings.chartFailed')} onRetry={() => void earnings.refetch()} />
      ) : series ? (
        <Suspense fallback={<Skeleton className="h-40" />}>
          <EarningsChart series={series} label={label} />
        </Suspense>
      ) : (
        <Skeleton className="h-40" />
      )}
      <p className="mt-2 flex flex-wrap gap-x-4 gap-y-1 text-[12px] text-tg-hint">
        <span className="flex items-center gap-1.5">
          <span aria-hidden className="size-2.5 rounded-sm bg-tg-button" />
          {t('owner.earnings.paidCredits')}
        </span>
        <span className="flex items-center gap-1.5">
          <span aria-hidden className="size-2.5 rounded-sm bg-tg-hint/40" />
          {t('owner.earnings.promotional')}
        </span>
      </p>
    </div>
  );
}

interface EarningsSectionProps {
  owner: OwnerResponse;
  onWithdraw: () => void;
}

/** Withdrawable balance with Withdraw, the other totals, and the daily chart. */
export function EarningsSection({ owner, onWithdraw }: EarningsSectionProps) {
  const { totals, payoutRules } = owner;
  const canWithdraw = totals.withdrawable >= payoutRules.minWithdraw && totals.withdrawable > 0n;
  const ton = localTon(microToNano(totals.withdrawable, payoutRules.microCreditsPerTon));
  return (
    <section className="mb-5" data-testid="earnings-section">
      <SectionHeader title={t('owner.earnings.heading')} />
      <div className="divide-y divide-tg-separator overflow-hidden rounded-xl bg-tg-section-bg">
        <div className="flex flex-wrap items-center gap-3 px-4 py-3">
          <CoinIcon className="size-8 shrink-0 text-warning" />
          <div className="min-w-0 flex-1">
            <p className="text-[13px] text-tg-hint">{t('owner.earnings.withdrawable')}</p>
            <p className="text-[22px] leading-tight font-semibold tabular-nums">
              <span data-testid="owner-withdrawable" data-micro={totals.withdrawable.toString()}>
                {localCredits(totals.withdrawable)}
              </span>{' '}
              <span className="text-[15px] font-normal text-tg-hint">{t('owner.earnings.creditsUnit', { count: creditCount(totals.withdrawable) })}</span>
            </p>
            <p className="text-[13px] text-tg-hint tabular-nums">{t('owner.earnings.aboutTon', { amount: ton })}</p>
          </div>
          <button
            type="button"
            data-testid="withdraw-button"
            disabled={!canWithdraw}
            onClick={() => {
              haptics.tap();
              onWithdraw();
            }}
            className="min-h-11 shrink-0 rounded-xl bg-tg-button px-5 text-[16px] font-semibold text-tg-button-text active:opacity-80 disabled:opacity-40"
          >
            {t('owner.earnings.withdraw')}
          </button>
        </div>
        {!canWithdraw && (
          <p className="px-4 py-2 text-[13px] leading-snug text-tg-hint">{t('owner.earnings.minimum', { count: creditCount(payoutRules.minWithdraw), amount: localCredits(payoutRules.minWithdraw) })}</p>
        )}
        <Row label={t('owner.earnings.pending')}>
          <span data-testid="owner-pending" data-micro={totals.pending.toString()} className="tabular-nums">
            {localCredits(totals.pending)}
          </span>
        </Row>
        <p className="-mt-px px-4 pb-2.5 text-[12px] leading-snug text-tg-hint">
          {t('owner.earnings.pendingNote', { delay: delayText(payoutRules.settlementDelayS) })}
        </p>
        <Row label={t('owner.earnings.inFlight')}>
          <span data-testid="owner-in-flight" data-micro={totals.inFlight.toString()} className="tabular-nums">{localCredits(totals.inFlight)}</span>
        </Row>
        <Row label={t('owner.earnings.paidOut')}>
          <span data-testid="owner-paid-out" data-micro={totals.paidOut.toString()} className="tabular-nums">{localCredits(totals.paidOut)}</span>
        </Row>
        <div className="px-4 py-2.5" data-testid="owner-promotional">
          <div className="flex items-baseline justify-between gap-4 text-[15px]">
            <span className="flex items-center gap-1.5">
              <GiftIcon className="size-4 text-tg-hint" />
              {t('owner.earnings.promotional')}
            </span>
            <span data-testid="owner-promotional-amount" data-micro={totals.promotional.toString()} className="text-tg-hint tabular-nums">{localCredits(totals.promotional)}</span>
          </div>
          <p className="mt-0.5 text-[12px] leading-snug text-tg-hint">{t('owner.earnings.promotionalNote')}</p>
        </div>
        <Row label={t('owner.earnings.networkFee', { percent: formatBps(owner.networkFeeBps) })}>
          <span className="tabular-nums">{localCredits(totals.networkFees)}</span>
        </Row>
        <Chart />
      </div>
    </section>
  );
}
