import { useState, type ReactNode } from 'react';
import type { ApiKey, UsageItem } from '@cocoon/shared/protocol/developer';
import { haptics } from '../../telegram/haptics';
import { ChevronDownIcon } from '../../ui/icons';
import { Section } from '../../ui/Section';
import { Skeleton } from '../../ui/Skeleton';
import { Spinner } from '../../ui/Spinner';
import { t } from '../../i18n';
import { formatWhen } from '../credits/history-format';
import { usageCost, usageDetail, utcToday } from './developer-format';
import { errorText } from './error-text';
import { openUsageExport } from './export-usage';
import { useUsage, useUsageExport } from './queries';

function UsageRow({ item, now }: { item: UsageItem; now: Date }) {
  return (
    <div
      data-testid="usage-item"
      data-job-id={item.id}
      data-key-id={item.keyId}
      data-status={item.status}
      data-cost={item.cost?.toString()}
      className="flex items-center gap-3 px-4 py-2.5"
    >
      <div className="min-w-0 flex-1">
        <p className="truncate text-[15px] leading-snug">{item.model}</p>
        <p className="truncate text-[13px] leading-snug text-tg-hint">
          {usageDetail(item)} · {formatWhen(item.createdAt, now)}
        </p>
      </div>
      <span className={`shrink-0 text-[15px] font-semibold tabular-nums ${item.status === 'failed' ? 'text-tg-hint' : ''}`}>{usageCost(item)}</span>
    </div>
  );
}

function Filters({ keys, keyId, day, onKey, onDay }: { keys: ApiKey[]; keyId: string | null; day: string | null; onKey: (k: string | null) => void; onDay: (d: string | null) => void }) {
  const field = 'relative flex h-11 min-w-0 flex-1 items-center rounded-[10px] bg-tg-secondary-bg px-3 text-[15px]';
  return (
    <div className="flex gap-2 px-4 py-2.5">
      <label className={field}>
        <span className="truncate">{keys.find((k) => k.id === keyId)?.name ?? t('developer.allKeys')}</span>
        <ChevronDownIcon className="ml-auto size-4 shrink-0 text-tg-hint" />
        <select
          data-testid="usage-key-filter"
          aria-label={t('developer.filterKey')}
          value={keyId ?? ''}
          onChange={(e) => {
            haptics.select();
            onKey(e.target.value || null);
          }}
          className="absolute inset-0 size-full cursor-pointer opacity-0"
        >
          <option value="">{t('developer.allKeys')}</option>
          {keys.map((k) => (
            <option key={k.id} value={k.id}>
              {k.name}
            </option>
          ))}
        </select>
      </label>
      <label className="flex h-11 shrink-0 items-center rounded-[10px] bg-tg-secondary-bg px-2">
        <input
          data-testid="usage-day-filter"
          type="date"
          aria-label={t('developer.filterDay')}
          max={utcToday()}
          value={day ?? ''}
          onChange={(e) => onDay(e.target.value || null)}
          className="w-[8.5rem] bg-transparent text-[15px] text-tg-text outline-none"
        />
      </label>
    </div>
  );
}

/** Every request made with a key, newest first, by key and UTC day, with a CSV export. */
export function UsageSection({ keys }: { keys: ApiKey[] | undefined }) {
  const [keyId, setKeyId] = useState<string | null>(null);
  const [day, setDay] = useState<string | null>(null);
  const usage = useUsage(keyId, day);
  const exporter = useUsageExport();
  const items = usage.data?.pages.flatMap((p) => p.items);
  const now = new Date();
  const exportCsv = () => {
    haptics.tap();
    exporter.mutate({ key: keyId, day }, { onSuccess: (link) => void openUsageExport(link.url, link.fileName).catch(() => haptics.error()) });
  };

  let body: ReactNode;
  if (items === undefined && usage.isError) body = <p className="px-4 py-4 text-[15px] text-tg-destructive">{errorText(usage.error)}</p>;
  else if (items === undefined) body = <Skeleton className="m-4 h-12" />;
  else if (items.length === 0) {
    body = (
      <p data-testid="usage-empty" className="px-4 py-4 text-[15px] text-tg-hint">
        {keyId || day ? t('developer.usageNoMatch') : t('developer.usageEmpty')}
      </p>
    );
  } else body = items.map((i) => <UsageRow key={i.id} item={i} now={now} />);

  return (
    <Section title={t('developer.usage')}>
      <Filters keys={keys ?? []} keyId={keyId} day={day} onKey={setKeyId} onDay={setDay} />
      {body}
      {usage.hasNextPage && (
        <button
          type="button"
          data-testid="usage-more"
          disabled={usage.isFetchingNextPage}
          onClick={() => void usage.fetchNextPage()}
          className="flex w-full items-center justify-center gap-2 px-4 py-3 text-[15px] text-tg-link active:opacity-60"
        >
          {usage.isFetchingNextPage && <Spinner />}
          {t('developer.showMore')}
        </button>
      )}
      <button
        type="button"
        data-testid="export-usage-button"
        disabled={exporter.isPending}
        onClick={exportCsv}
        className="flex w-full items-center justify-center gap-2 px-4 py-3 text-[15px] text-tg-link active:opacity-60"
      >
        {exporter.isPending && <Spinner />}
        {day ? t('developer.exportDay', { day }) : t('developer.export')}
      </button>
      {exporter.isError && <p className="px-4 pb-3 text-[13px] text-tg-destructive">{errorText(exporter.error)}</p>}
    </Section>
  );
}
