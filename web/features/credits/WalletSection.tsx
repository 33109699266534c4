import { t } from '../../i18n';
import { shortAddress } from '../../ton/address';
import type { useProvenTonWallet } from '../../ton/use-proven-wallet';
import { useCopy } from '../../ui/use-copy';
import { CheckIcon, ChevronRightIcon, CopyIcon, TonIcon, WarningIcon } from '../../ui/icons';
import { Skeleton } from '../../ui/Skeleton';
import { Spinner } from '../../ui/Spinner';
import { friendlyMessage } from '../chat/error-messages';
import { TonAmountForm } from './TonAmountForm';

interface WalletSectionProps {
  wallet: ReturnType<typeof useProvenTonWallet>;
  network: 'mainnet' | 'testnet' | 'sandbox' | undefined;
  microCreditsPerTon: bigint | undefined;
  busy: boolean;
  onTopUp: (nanoton: bigint) => void;
}

const badge = <span aria-hidden="true" className="flex size-9 shrink-0 items-center justify-center rounded-full bg-sky-500/15 text-sky-500"><TonIcon className="size-5" /></span>;

function ProvenAddress({ friendly }: { friendly: string }) {
  const { copied, copy } = useCopy(friendly);
  return (
    <button type="button" onClick={() => void copy()} aria-label={t('credits.wallet.copyLabel', { address: friendly })} className="flex min-h-11 w-full items-center gap-3 px-4 py-2.5 text-left active:bg-tg-hint/10">
      {badge}
      <span className="min-w-0 flex-1">
        <span className="block text-[13px] leading-tight text-tg-hint">{t('credits.wallet.verified')}</span>
        <span data-testid="ton-wallet-address" data-address={friendly} title={friendly} className="block font-mono text-[16px] leading-snug">
          {shortAddress(friendly)}
        </span>
      </span>
      <span className={`flex items-center gap-1 text-[13px] ${copied ? 'text-success-text' : 'text-tg-link'}`}>
        {copied ? <CheckIcon className="size-4" /> : <CopyIcon className="size-4" />}
        {copied ? t('credits.wallet.copied') : t('credits.wallet.copy')}
      </span>
    </button>
  );
}

function ConnectRow({ wallet }: { wallet: WalletSectionProps['wallet'] }) {
  const working = wallet.phase !== 'idle';
  return (
    <button
      type="button"
      data-testid="ton-connect-button"
      disabled={working}
      onClick={() => void wallet.connect()}
      className="flex w-full items-center gap-3 px-4 py-3 text-left active:bg-tg-hint/10 disabled:active:bg-transparent"
    >
      {badge}
      <span className="min-w-0 flex-1 text-[16px] text-tg-link">
        {t(wallet.phase === 'proving' ? 'credits.wallet.proving' : wallet.phase === 'connecting' ? 'credits.wallet.connecting' : wallet.provenWallet ? 'credits.wallet.reconnect' : 'credits.wallet.connect')}
      </span>
      {working ? <Spinner className="size-4 text-tg-hint" /> : <ChevronRightIcon className="size-4 text-tg-hint" />}
    </button>
  );
}

const networkNote = { sandbox: 'credits.wallet.sandbox', testnet: 'credits.wallet.testnet', mainnet: null } as const;

/** The wallet this user proved with TonConnect, and a free-amount TON top-up from it. */
export function WalletSection({ wallet, network, microCreditsPerTon, busy, onTopUp }: WalletSectionProps) {
  const proven = wallet.provenWallet;
  const error = wallet.error ? friendlyMessage(wallet.error.code) : null;
  return (
    <section className="mb-5" data-testid="ton-wallet-section">
      <h3 className="mb-1.5 px-4 text-[13px] tracking-wide text-tg-section-header uppercase">{t('credits.wallet.heading')}</h3>
      <div className="divide-y divide-tg-separator overflow-hidden rounded-xl bg-tg-section-bg">
        {wallet.loading ? (
          <div className="flex items-center gap-3 px-4 py-3">
            <Skeleton className="size-9 rounded-full" />
            <Skeleton className="h-4 w-40" />
          </div>
        ) : (
          <>
            {proven && <ProvenAddress friendly={proven.friendly} />}
            {(!proven || !wallet.ready) && <ConnectRow wallet={wallet} />}
            {proven && microCreditsPerTon !== undefined && <TonAmountForm microCreditsPerTon={microCreditsPerTon} busy={busy} onSubmit={onTopUp} />}
            {wallet.connected && wallet.phase === 'idle' && (
              <button type="button" onClick={wallet.disconnect} className="w-full px-4 py-3 text-left text-[16px] text-tg-destructive active:bg-tg-hint/10">
                {t('credits.wallet.disconnect')}
              </button>
            )}
          </>
        )}
      </div>
      {error && (
        <p className="mt-1.5 flex items-start gap-1.5 px-4 text-[13px] leading-snug text-tg-destructive" role="alert" data-testid="ton-wallet-error">
          <WarningIcon className="mt-px size-4 shrink-0" />
          <span>
            <b className="font-semibold">{error.title}.</b> {error.body}
          </span>
        </p>
      )}
      <p className="mt-1.5 px-4 text-[13px] leading-snug text-tg-hint">
        {proven ? t('credits.wallet.provenNote') : t('credits.wallet.connectNote')}
        {network && networkNote[network] ? ` ${t(networkNote[network])}` : ''}
      </p>
    </section>
  );
}
