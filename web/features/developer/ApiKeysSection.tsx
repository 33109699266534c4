import type { ReactNode } from 'react';
import type { ApiKey } from '@cocoon/shared/protocol/developer';
import { PlusIcon } from '../../ui/icons';
import { Section } from '../../ui/Section';
import { Skeleton } from '../../ui/Skeleton';
import { t } from '../../i18n';
import { localCredits as formatCredits } from '../credits/credit-format';
import { formatWhen } from '../credits/history-format';
import { spentToday, spentTotal } from './developer-format';

function limitsLine(key: ApiKey): string {
  const parts = [
    key.limits.daily !== null && t('developer.limit.daily', { amount: formatCredits(key.limits.daily) }),
    key.limits.total !== null && t('developer.limit.total', { amount: formatCredits(key.limits.total) }),
    key.limits.perRequest !== null && t('developer.limit.perRequest', { amount: formatCredits(key.limits.perRequest) }),
  ].filter((p): p is string => typeof p === 'string');
  return parts.length > 0 ? t('developer.limits', { list: parts.join(' · ') }) : t('developer.noLimits');
}

function KeyRow({ apiKey, now, onRevoke, onEditLimits }: { apiKey: ApiKey; now: Date; onRevoke: () => void; onEditLimits: () => void }) {
  const revoked = apiKey.revokedAt !== null;
  const lastUsed = apiKey.lastUsedAt ? t('developer.lastUsed', { when: formatWhen(apiKey.lastUsedAt, now) }) : t('developer.neverUsed');
  return (
    <div data-testid="api-key-row" data-key-id={apiKey.id} data-revoked={revoked} className={`px-4 py-3 ${revoked ? 'opacity-55' : ''}`}>
      <div className="flex items-baseline justify-between gap-3">
        <p className="min-w-0 truncate text-[16px] font-semibold" data-testid="api-key-name">
          {apiKey.name}
        </p>
        {revoked ? (
          <span className="shrink-0 text-[13px] text-tg-destructive">{t('developer.revoked')}</span>
        ) : (
          <span className="-my-3 flex shrink-0 gap-4">
            <button type="button" data-testid="edit-limits-button" onClick={onEditLimits} className="min-h-11 text-[15px] text-tg-link active:opacity-60">
              {t('developer.limitsButton')}
            </button>
            <button type="button" data-testid="revoke-key-button" onClick={onRevoke} className="min-h-11 text-[15px] text-tg-destructive active:opacity-60">
              {t('developer.revoke')}
            </button>
          </span>
        )}
      </div>
      <p data-testid="api-key-prefix" className="font-mono text-[13px] text-tg-hint">
        {apiKey.prefix}…
      </p>
      <p className="mt-1 text-[13px] leading-snug text-tg-hint">{limitsLine(apiKey)}</p>
      <p className="text-[13px] leading-snug text-tg-hint" data-testid="api-key-spent" data-today={apiKey.spent.today.toString()} data-total={apiKey.spent.total.toString()}>
        {t('developer.spent', { today: spentToday(apiKey), total: spentTotal(apiKey) })}
        {apiKey.held > 0n && ` · ${t('developer.keyHeld', { amount: formatCredits(apiKey.held) })}`}
      </p>
      <p className="text-[13px] leading-snug text-tg-hint">{lastUsed}</p>
    </div>
  );
}

interface ApiKeysSectionProps {
  keys: ApiKey[] | undefined;
  failed: boolean;
  onRetry: () => void;
  onCreate: () => void;
  onRevoke: (key: ApiKey) => void;
  onEditLimits: (key: ApiKey) => void;
}

/** The user's keys (revoked ones dimmed, at the end) and the button that creates one. */
export function ApiKeysSection({ keys, failed, onRetry, onCreate, onRevoke, onEditLimits }: ApiKeysSectionProps) {
  const now = new Date();
  let body: ReactNode;
  if (keys === undefined && failed) {
    body = (
      <button type="button" onClick={onRetry} className="w-full px-4 py-4 text-[15px] text-tg-link active:opacity-60">
        {t('developer.keysFailed')}
      </button>
    );
  } else if (keys === undefined) {
    body = <Skeleton className="m-4 h-16" />;
  } else if (keys.length === 0) {
    body = (
      <p data-testid="api-keys-empty" className="px-4 py-4 text-[15px] leading-snug text-tg-hint">
        {t('developer.keysEmpty')}
      </p>
    );
  } else {
    const ordered = [...keys.filter((k) => k.revokedAt === null), ...keys.filter((k) => k.revokedAt !== null)];
    body = ordered.map((k) => <KeyRow key={k.id} apiKey={k} now={now} onRevoke={() => onRevoke(k)} onEditLimits={() => onEditLimits(k)} />);
  }
  return (
    <Section title={t('developer.keys')}>
      {body}
      <button type="button" data-testid="create-key-button" onClick={onCreate} className="flex w-full items-center gap-2 px-4 py-3 text-[16px] text-tg-link active:opacity-60">
        <PlusIcon className="size-5" aria-hidden="true" />
        {t('developer.createKey')}
      </button>
    </Section>
  );
}
