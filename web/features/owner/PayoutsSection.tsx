import type { OwnerResponse, Payout } from '@cocoon/shared/protocol/owner';
import { t } from '../../i18n';
import { openExternal } from '../../telegram/confirm';
import { shortDigest } from '../chat/format';
import { creditCount, localCredits, localTon } from '../credits/credit-format';
import { ClockIcon, CopyIcon, TonIcon } from '../../ui/icons';
import { Skeleton } from '../../ui/Skeleton';
import { useCopy } from '../../ui/use-copy';
import { explorerUrl, payoutStatusView, shortDate } from './owner-format';
import { LoadError, Pill, SectionHeader } from './ui';

function TxHash({ hash, url }: { hash: string; url: string | null }) {
  const { copied, copy } = useCopy(hash);
  if (url) {
    return (
      <button type="button" data-testid="payout-tx-link" data-href={url} onClick={() => openExternal(url)} className="-my-2 min-h-11 font-mono text-[13px] text-tg-link active:opacity-60">
        {shortDigest(hash)} ↗
      </button>
    );
  }
  // The local sandbox has no explorer: the hash, copyable.
  return (
    <button type="button" data-testid="payout-tx-hash" data-hash={hash} onClick={() => void copy()} aria-label={t('owner.payouts.copyHash', { hash })} className="-my-2 flex min-h-11 items-center gap-1 font-mono text-[13px] text-tg-hint active:opacity-60">
      {copied ? t('owner.copied') : shortDigest(hash)}
      <CopyIcon className="size-3.5" />
    </button>
  );
}

function PayoutRow({ payout, template, now }: { payout: Payout; template: string | null; now: number }) {
  const view = payoutStatusView[payout.status];
  return (
    <li data-testid="payout-item" data-status={payout.status} data-payout-id={payout.id} className="flex gap-3 px-4 py-3">
      <span aria-hidden="true" className="flex size-9 shrink-0 items-center justify-center rounded-full bg-sky-500/15 text-sky-500">
        <TonIcon className="size-5" />
      </span>
      <div className="min-w-0 flex-1">
        <div className="flex items-center justify-between gap-2">
          <p className="text-[16px] font-semibold tabular-nums" data-testid="payout-amount" data-nano={payout.valueNano.toString()}>
            {t('owner.ton', { amount: localTon(payout.valueNano) })}
          </p>
          <Pill tone={view.tone} testId="payout-status">
            {view.label}
          </Pill>
        </div>
        <p className="text-[13px] leading-snug text-tg-hint">
          {t('owner.payouts.detail', { date: shortDate(payout.createdAt, now), count: creditCount(payout.amount), credits: localCredits(payout.amount), fee: localTon(payout.feeNano) })}
        </p>
        <p className="text-[13px] leading-snug">{view.words}</p>
        {payout.failure && <p className="text-[13px] leading-snug text-tg-destructive">{payout.failure}</p>}
        {payout.txHash && (
          <div className="mt-1 flex items-center gap-1 text-[13px]">
            <span className="text-tg-hint">{t('owner.payouts.transaction')}</span>
            <TxHash hash={payout.txHash} url={explorerUrl(template, payout.txHash)} />
          </div>
        )}
      </div>
    </li>
  );
}

interface PayoutsSectionProps {
  payouts: Payout[] | undefined;
  failed: boolean;
  onRetry: () => void;
  rules: OwnerResponse['payoutRules'];
}

/** Payouts, newest first, with their state in plain words and the transaction on the explorer. */
export function PayoutsSection({ payouts, failed, onRetry, rules }: PayoutsSectionProps) {
  const now = Date.now();
  return (
    <section className="mb-5" data-testid="payouts-section">
      <SectionHeader title={t('owner.payouts.heading')} />
      <div className="overflow-hidden rounded-xl bg-tg-section-bg">
        {payouts === undefined && failed && <LoadError message={t('owner.payouts.loadFailed')} onRetry={onRetry} />}
        {payouts === undefined && !failed && (
          <div className="flex items-center gap-3 px-4 py-3" aria-busy="true">
            <Skeleton className="size-9 rounded-full" />
            <div className="flex flex-1 flex-col gap-1.5">
              <Skeleton className="h-4 w-24" />
              <Skeleton className="h-3 w-44" />
            </div>
          </div>
        )}
        {payouts?.length === 0 && (
          <div data-testid="payouts-empty" className="flex flex-col items-center gap-1 px-6 py-6 text-center">
            <ClockIcon className="mb-1 size-7 text-tg-hint" aria-hidden="true" />
            <p className="text-[15px]">{t('owner.payouts.empty')}</p>
          </div>
        )}
        {payouts && payouts.length > 0 && (
          <ul className="divide-y divide-tg-separator">
            {payouts.map((p) => (
              <PayoutRow key={p.id} payout={p} template={rules.explorerTxUrl} now={now} />
            ))}
          </ul>
        )}
      </div>
      {rules.network !== 'mainnet' && (
        <p className="mt-1.5 px-4 text-[13px] leading-snug text-tg-hint">{rules.network === 'sandbox' ? t('owner.payouts.sandbox') : t('owner.network.testnet')}</p>
      )}
    </section>
  );
}
