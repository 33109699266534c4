import { useState } from 'react';
import type { ApiKey } from '@cocoon/shared/protocol/developer';
import { useMe } from '../../api/queries';
import { t } from '../../i18n';
import { haptics } from '../../telegram/haptics';
import { CoinIcon } from '../../ui/icons';
import { PushedScreen } from '../../ui/PushedScreen';
import { Section } from '../../ui/Section';
import { Skeleton } from '../../ui/Skeleton';
import { creditCount, localCredits as formatCredits } from '../credits/credit-format';
import { ApiKeysSection } from './ApiKeysSection';
import { CodeExample } from './CodeExample';
import { CreateKeySheet } from './CreateKeySheet';
import { LimitsSheet } from './LimitsSheet';
import { useApiKeys } from './queries';
import { RevokeKeySheet } from './RevokeKeySheet';
import { UsageSection } from './UsageSection';

/** The balance keys spend from: the same credits as the chat's, topped up on the Credits screen. */
function BalanceRow({ onTopUp }: { onTopUp: () => void }) {
  const me = useMe();
  const balance = me.data?.balance;
  return (
    <Section title={t('developer.balance')}>
      <div className="flex items-center gap-3 px-4 py-3">
        <CoinIcon className="size-7 shrink-0 text-warning" aria-hidden="true" />
        {balance === undefined ? (
          <Skeleton className="h-7 w-24" />
        ) : (
          <p className="min-w-0 flex-1 text-[22px] font-semibold tabular-nums">
            <span data-testid="developer-balance" data-micro={balance.toString()}>
              {formatCredits(balance)}
            </span>{' '}
            <span className="text-[15px] font-normal text-tg-hint">{t('developer.creditsUnit', { count: creditCount(balance) })}</span>
          </p>
        )}
        <button
          type="button"
          data-testid="developer-top-up"
          onClick={() => {
            haptics.tap();
            onTopUp();
          }}
          className="-my-1.5 ml-auto min-h-11 shrink-0 px-1 text-[16px] text-tg-link active:opacity-60"
        >
          {t('developer.topUp')}
        </button>
      </div>
      {me.data && me.data.held > 0n && <p className="px-4 py-2 text-[13px] text-tg-hint">{t('developer.held', { amount: formatCredits(me.data.held) })}</p>}
    </Section>
  );
}

interface DeveloperScreenProps {
  /** Shown where Telegram draws no Back Button of its own (the mocked environment). */
  onBack: (() => void) | null;
  onTopUp: () => void;
}

/** For developers: the balance, API keys with their limits, usage per request, and how to call the API. */
export function DeveloperScreen({ onBack, onTopUp }: DeveloperScreenProps) {
  const keys = useApiKeys();
  const [creating, setCreating] = useState(false);
  const [revoking, setRevoking] = useState<ApiKey | null>(null);
  const [editing, setEditing] = useState<ApiKey | null>(null);
  return (
    <PushedScreen title={t('developer.title')} testId="developer-screen" backTestId="developer-back-button" onBack={onBack}>
      <div className="pt-5" />
      <BalanceRow onTopUp={onTopUp} />
      <ApiKeysSection
        keys={keys.data?.keys}
        failed={keys.isError}
        onRetry={() => void keys.refetch()}
        onCreate={() => {
          haptics.tap();
          setCreating(true);
        }}
        onRevoke={(k) => {
          haptics.tap();
          setRevoking(k);
        }}
        onEditLimits={(k) => {
          haptics.tap();
          setEditing(k);
        }}
      />
      <UsageSection keys={keys.data?.keys} />
      <CodeExample />
      <CreateKeySheet open={creating} onClose={() => setCreating(false)} />
      <RevokeKeySheet apiKey={revoking} onClose={() => setRevoking(null)} />
      <LimitsSheet apiKey={editing} onClose={() => setEditing(null)} />
    </PushedScreen>
  );
}
