import { useEffect, useState } from 'react';
import type { Machine } from '@cocoon/shared/protocol/owner';
import { t } from '../../i18n';
import { haptics } from '../../telegram/haptics';
import { ChipIcon, PlusIcon } from '../../ui/icons';
import { Skeleton } from '../../ui/Skeleton';
import { MachineCard } from './MachineCard';
import { RenameSheet } from './RenameSheet';
import { LoadError, SectionHeader } from './ui';

/** The clock the cards' "for 5 min" reads, ticking each minute. */
export function useNow(everyMs: number): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(t);
  }, [everyMs]);
  return now;
}

function MachineSkeleton() {
  return (
    <div data-testid="machines-loading" className="mb-3 rounded-xl bg-tg-section-bg p-4">
      <div className="flex items-center gap-3">
        <Skeleton className="size-10 rounded-xl" />
        <div className="flex flex-1 flex-col gap-1.5">
          <Skeleton className="h-4 w-32" />
          <Skeleton className="h-3 w-44" />
        </div>
        <Skeleton className="h-6 w-16 rounded-full" />
      </div>
      <Skeleton className="mt-4 h-20" />
    </div>
  );
}

interface MachinesSectionProps {
  machines: Machine[] | undefined;
  failed: boolean;
  onRetry: () => void;
  onAdd: () => void;
}

/** One card per machine, with Add machine on top. */
export function MachinesSection({ machines, failed, onRetry, onAdd }: MachinesSectionProps) {
  const now = useNow(30_000);
  const [renaming, setRenaming] = useState<Machine | null>(null);
  const addButton = (
    <button
      type="button"
      data-testid="add-machine-button"
      onClick={() => {
        haptics.tap();
        onAdd();
      }}
      className="-my-3 flex min-h-11 items-center gap-1 px-1 text-[15px] text-tg-link normal-case active:opacity-60"
    >
      <PlusIcon className="size-4" aria-hidden="true" />
      {t('owner.machines.add')}
    </button>
  );
  return (
    <section className="mb-5" data-testid="machines-section">
      <SectionHeader title={machines ? t('owner.machines.headingCount', { count: machines.length }) : t('owner.machines.heading')} action={addButton} />
      {machines === undefined && failed && (
        <div className="rounded-xl bg-tg-section-bg">
          <LoadError message={t('owner.machines.loadFailed')} onRetry={onRetry} testId="machines-error" />
        </div>
      )}
      {machines === undefined && !failed && <MachineSkeleton />}
      {machines?.length === 0 && (
        <div data-testid="machines-empty" className="flex flex-col items-center gap-1 rounded-xl bg-tg-section-bg px-6 py-7 text-center">
          <ChipIcon className="mb-1 size-9 text-tg-hint" aria-hidden="true" />
          <p className="text-[15px] font-semibold">{t('owner.machines.empty')}</p>
          <p className="text-[14px] leading-snug text-tg-hint">{t('owner.machines.emptyBody')}</p>
        </div>
      )}
      {machines?.map((m) => <MachineCard key={m.id} machine={m} now={now} onRename={setRenaming} />)}
      <RenameSheet machine={renaming} onClose={() => setRenaming(null)} />
    </section>
  );
}
