import type { OwnerResponse } from '@cocoon/shared/protocol/owner';
import { t } from '../../i18n';
import { shortAddress } from '../../ton/address';
import type { useTonProof } from '../../ton/use-ton-proof';
import { CheckIcon, ChipIcon, CoinIcon, CopyIcon, ShieldCheckIcon, TonIcon } from '../../ui/icons';
import { Spinner } from '../../ui/Spinner';
import { useCopy } from '../../ui/use-copy';
import { friendlyMessage } from '../chat/error-messages';
import { PrimaryButton } from '../developer/PrimaryButton';
import { shortDate } from './owner-format';
import { InlineError, SectionHeader } from './ui';

type Proof = ReturnType<typeof useTonProof>;

const networkNoteIds = { sandbox: 'owner.network.sandbox', testnet: 'owner.network.testnet', mainnet: null } as const;
const networkNote = (network: keyof typeof networkNoteIds): string => {
  const id = networkNoteIds[network];
  return id ? ` ${t(id)}` : '';
};

function ProofError({ proof }: { proof: Proof }) {
  if (!proof.error) return null;
  const { title, body } = friendlyMessage(proof.error.code);
  return (
    <InlineError testId="payout-wallet-error">
      <b className="font-semibold">{title}.</b> {body}
    </InlineError>
  );
}

const busyText = (proof: Proof) => (proof.phase === 'proving' ? t('owner.wallet.proving') : t('owner.wallet.connecting'));

/** The proven payout address, copyable, with Change (a fresh ton_proof). */
export function PayoutWalletSection({ owner, proof, network }: { owner: NonNullable<OwnerResponse['owner']>; proof: Proof; network: OwnerResponse['payoutRules']['network'] }) {
  const { copied, copy } = useCopy(owner.payoutFriendly);
  const working = proof.phase !== 'idle';
  return (
    <section className="mb-5" data-testid="payout-wallet-section">
      <SectionHeader title={t('owner.wallet.heading')} />
      <div className="divide-y divide-tg-separator overflow-hidden rounded-xl bg-tg-section-bg">
        <button type="button" onClick={() => void copy()} aria-label={t('owner.wallet.copyLabel', { address: owner.payoutFriendly })} className="flex min-h-11 w-full items-center gap-3 px-4 py-2.5 text-left active:bg-tg-hint/10">
          <span aria-hidden="true" className="flex size-9 shrink-0 items-center justify-center rounded-full bg-sky-500/15 text-sky-500">
            <TonIcon className="size-5" />
          </span>
          <span className="min-w-0 flex-1">
            <span className="block text-[13px] leading-tight text-tg-hint">{t('owner.wallet.verified', { date: shortDate(owner.payoutProvedAt, Date.now()) })}</span>
            <span data-testid="owner-payout-address" data-address={owner.payoutFriendly} data-raw={owner.payoutAddress} title={owner.payoutFriendly} className="block font-mono text-[16px] leading-snug">
              {shortAddress(owner.payoutFriendly, 6)}
            </span>
          </span>
          <span className={`flex items-center gap-1 text-[13px] ${copied ? 'text-success-text' : 'text-tg-link'}`}>
            {copied ? <CheckIcon className="size-4" /> : <CopyIcon className="size-4" />}
            {copied ? t('owner.copied') : t('owner.copy')}
          </span>
        </button>
        <button type="button" data-testid="payout-wallet-change" disabled={working} onClick={() => void proof.connect()} className="flex min-h-11 w-full items-center gap-2 px-4 py-3 text-left text-[16px] text-tg-link active:bg-tg-hint/10 disabled:opacity-60">
          {working && <Spinner />}
          {working ? busyText(proof) : t('owner.wallet.change')}
        </button>
      </div>
      <ProofError proof={proof} />
      <p className="mt-1.5 px-4 text-[13px] leading-snug text-tg-hint">{t('owner.wallet.note')}{networkNote(network)}</p>
    </section>
  );
}

const promises = [
  { icon: ChipIcon, id: 'idle' },
  { icon: CoinIcon, id: 'perTask' },
  { icon: ShieldCheckIcon, id: 'reliability' },
];

/** What owning a machine means, and the first step: a payout wallet proven with TonConnect. */
export function OwnerOnboarding({ proof, network }: { proof: Proof; network: OwnerResponse['payoutRules']['network'] }) {
  const working = proof.phase !== 'idle';
  return (
    <div data-testid="owner-onboarding" className="pt-6">
      <div className="mb-5 flex flex-col items-center text-center">
        <span className="mb-3 flex size-16 items-center justify-center rounded-[22px] bg-tg-button text-tg-button-text">
          <ChipIcon className="size-9" />
        </span>
        <h2 className="text-[22px] leading-tight font-semibold">{t('owner.onboarding.title')}</h2>
        <p className="mt-1.5 max-w-sm text-[15px] leading-snug text-tg-hint">{t('owner.onboarding.body')}</p>
      </div>
      <ul className="mb-5 divide-y divide-tg-separator overflow-hidden rounded-xl bg-tg-section-bg">
        {promises.map(({ icon: Icon, id }) => (
          <li key={id} className="flex gap-3 px-4 py-3">
            <Icon className="mt-0.5 size-6 shrink-0 text-tg-button" aria-hidden="true" />
            <span>
              <span className="block text-[16px] font-semibold">{t(`owner.promise.${id}.title`)}</span>
              <span className="block text-[14px] leading-snug text-tg-hint">{t(`owner.promise.${id}.body`)}</span>
            </span>
          </li>
        ))}
      </ul>
      <PrimaryButton testId="owner-connect-wallet" busy={working} onClick={() => void proof.connect()}>
        {working ? busyText(proof) : t('owner.onboarding.connect')}
      </PrimaryButton>
      <ProofError proof={proof} />
      <p className="mt-2 px-1 text-center text-[13px] leading-snug text-tg-hint">
        {t('owner.onboarding.note')}
        {networkNote(network)}
      </p>
    </div>
  );
}
