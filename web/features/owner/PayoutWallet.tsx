import type { OwnerResponse } from '@cocoon/shared/protocol/owner';
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

const networkNote = { sandbox: ' Local sandbox chain: test TON only.', testnet: ' TON testnet: test TON only.', mainnet: '' } as const;

function ProofError({ proof }: { proof: Proof }) {
  if (!proof.error) return null;
  const { title, body } = friendlyMessage(proof.error.code);
  return (
    <InlineError testId="payout-wallet-error">
      <b className="font-semibold">{title}.</b> {body}
    </InlineError>
  );
}

const busyText = (proof: Proof) => (proof.phase === 'proving' ? 'Verifying ownership…' : 'Waiting for the wallet…');

/** The proven payout address, copyable, with Change (a fresh ton_proof). */
export function PayoutWalletSection({ owner, proof, network }: { owner: NonNullable<OwnerResponse['owner']>; proof: Proof; network: OwnerResponse['payoutRules']['network'] }) {
  const { copied, copy } = useCopy(owner.payoutFriendly);
  const working = proof.phase !== 'idle';
  return (
    <section className="mb-5" data-testid="payout-wallet-section">
      <SectionHeader title="Payout wallet" />
      <div className="divide-y divide-tg-separator overflow-hidden rounded-xl bg-tg-section-bg">
        <button type="button" onClick={() => void copy()} aria-label={`Copy payout address ${owner.payoutFriendly}`} className="flex min-h-11 w-full items-center gap-3 px-4 py-2.5 text-left active:bg-tg-hint/10">
          <span className="flex size-9 shrink-0 items-center justify-center rounded-full bg-sky-500/15 text-sky-500">
            <TonIcon className="size-5" />
          </span>
          <span className="min-w-0 flex-1">
            <span className="block text-[13px] leading-tight text-tg-hint">Verified {shortDate(owner.payoutProvedAt, Date.now())}</span>
            <span data-testid="owner-payout-address" data-address={owner.payoutFriendly} data-raw={owner.payoutAddress} title={owner.payoutFriendly} className="block font-mono text-[16px] leading-snug">
              {shortAddress(owner.payoutFriendly, 6)}
            </span>
          </span>
          <span className={`flex items-center gap-1 text-[13px] ${copied ? 'text-success-text' : 'text-tg-link'}`}>
            {copied ? <CheckIcon className="size-4" /> : <CopyIcon className="size-4" />}
            {copied ? 'Copied' : 'Copy'}
          </span>
        </button>
        <button type="button" data-testid="payout-wallet-change" disabled={working} onClick={() => void proof.connect()} className="flex min-h-11 w-full items-center gap-2 px-4 py-3 text-left text-[16px] text-tg-link active:bg-tg-hint/10 disabled:opacity-60">
          {working && <Spinner />}
          {working ? busyText(proof) : 'Change payout wallet'}
        </button>
      </div>
      <ProofError proof={proof} />
      <p className="mt-1.5 px-4 text-[13px] leading-snug text-tg-hint">Payouts go only to this wallet. Changing it asks the new wallet to prove it is yours.{networkNote[network]}</p>
    </section>
  );
}

const promises = [
  { icon: ChipIcon, title: 'Earns while idle', body: 'Your GPU serves encrypted AI requests for the network when you are not using it. Nobody, you included, can read them.' },
  { icon: CoinIcon, title: 'Paid per task', body: 'Every answer it serves earns credits, which you withdraw as TON to your own wallet.' },
  { icon: ShieldCheckIcon, title: 'Reliability pays', body: 'Machines that stay online and answer fast get more jobs: the reliability score shows how yours does.' },
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
        <h2 className="text-[22px] leading-tight font-semibold">Earn TON with your GPU</h2>
        <p className="mt-1.5 max-w-sm text-[15px] leading-snug text-tg-hint">Connect a machine with a confidential-computing GPU and get paid for the AI work it does.</p>
      </div>
      <ul className="mb-5 divide-y divide-tg-separator overflow-hidden rounded-xl bg-tg-section-bg">
        {promises.map(({ icon: Icon, title, body }) => (
          <li key={title} className="flex gap-3 px-4 py-3">
            <Icon className="mt-0.5 size-6 shrink-0 text-tg-button" />
            <span>
              <span className="block text-[16px] font-semibold">{title}</span>
              <span className="block text-[14px] leading-snug text-tg-hint">{body}</span>
            </span>
          </li>
        ))}
      </ul>
      <PrimaryButton testId="owner-connect-wallet" busy={working} onClick={() => void proof.connect()}>
        {working ? busyText(proof) : 'Connect payout wallet'}
      </PrimaryButton>
      <ProofError proof={proof} />
      <p className="mt-2 px-1 text-center text-[13px] leading-snug text-tg-hint">
        Your wallet signs a one-time proof that it is yours; payouts go only to it. Then add your first machine.{networkNote[network]}
      </p>
    </div>
  );
}
