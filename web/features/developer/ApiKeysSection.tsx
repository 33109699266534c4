import type { ReactNode } from 'react';
import type { ApiKey } from '@cocoon/shared/protocol/developer';
import { formatCredits } from '@cocoon/shared/pricing';
import { PlusIcon } from '../../ui/icons';
import { Section } from '../../ui/Section';
import { Skeleton } from '../../ui/Skeleton';
import { formatWhen } from '../credits/history-format';
import { spentToday, spentTotal } from './developer-format';

function limitsLine(key: ApiKey): string {
  const parts = [
    key.limits.daily !== null && `${formatCredits(key.limits.daily)}/day`,
    key.limits.total !== null && `${formatCredits(key.limits.total)} total`,
    key.limits.perRequest !== null && `${formatCredits(key.limits.perRequest)}/request`,
  ].filter((p): p is string => typeof p === 'string');
  return parts.length > 0 ? `Limits: ${parts.join(' · ')}` : 'No limits';
}

function KeyRow({ apiKey, now, onRevoke, onEditLimits }: { apiKey: ApiKey; now: Date; onRevoke: () => void; onEditLimits: () => void }) {
  const revoked = apiKey.revokedAt !== null;
  const lastUsed = apiKey.lastUsedAt ? `Last used ${formatWhen(apiKey.lastUsedAt, now)}` : 'Never used';
  return (
    <div data-testid="api-key-row" data-key-id={apiKey.id} data-revoked={revoked} className={`px-4 py-3 ${revoked ? 'opacity-55' : ''}`}>
      <div className="flex items-baseline justify-between gap-3">
        <p className="min-w-0 truncate text-[16px] font-semibold" data-testid="api-key-name">
          {apiKey.name}
        </p>
        {revoked ? (
          <span className="shrink-0 text-[13px] text-tg-destructive">Revoked</span>
        ) : (
          <span className="flex shrink-0 gap-4">
            <button type="button" data-testid="edit-limits-button" onClick={onEditLimits} className="text-[15px] text-tg-link active:opacity-60">
              Limits
            </button>
            <button type="button" data-testid="revoke-key-button" onClick={onRevoke} className="text-[15px] text-tg-destructive active:opacity-60">
              Revoke
            </button>
          </span>
        )}
      </div>
      <p data-testid="api-key-prefix" className="font-mono text-[13px] text-tg-hint">
        {apiKey.prefix}…
      </p>
      <p className="mt-1 text-[13px] leading-snug text-tg-hint">{limitsLine(apiKey)}</p>
      <p className="text-[13px] leading-snug text-tg-hint" data-testid="api-key-spent" data-today={apiKey.spent.today.toString()} data-total={apiKey.spent.total.toString()}>
        Spent {spentToday(apiKey)} · {spentTotal(apiKey)}
        {apiKey.held > 0n && ` · ${formatCredits(apiKey.held)} on hold`}
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
        Couldn’t load your keys · Try again
      </button>
    );
  } else if (keys === undefined) {
    body = <Skeleton className="m-4 h-16" />;
  } else if (keys.length === 0) {
    body = (
      <p data-testid="api-keys-empty" className="px-4 py-4 text-[15px] leading-snug text-tg-hint">
        No keys yet. A key lets your code call the models through the encrypting proxy, billed to this balance.
      </p>
    );
  } else {
    const ordered = [...keys.filter((k) => k.revokedAt === null), ...keys.filter((k) => k.revokedAt !== null)];
    body = ordered.map((k) => <KeyRow key={k.id} apiKey={k} now={now} onRevoke={() => onRevoke(k)} onEditLimits={() => onEditLimits(k)} />);
  }
  return (
    <Section title="API keys">
      {body}
      <button type="button" data-testid="create-key-button" onClick={onCreate} className="flex w-full items-center gap-2 px-4 py-3 text-[16px] text-tg-link active:opacity-60">
        <PlusIcon className="size-5" />
        Create API key
      </button>
    </Section>
  );
}
