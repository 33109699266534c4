import type { ReactNode } from 'react';
import { t } from '../../i18n';
import { WarningIcon } from '../../ui/icons';
import type { Tone } from './owner-format';

/** Small building blocks the owner screens share. */

const toneClass: Record<Tone, string> = {
  good: 'bg-success/15 text-success-text',
  warn: 'bg-warning/15 text-warning-text',
  off: 'bg-tg-hint/15 text-tg-text',
};
const dotClass: Record<Tone, string> = { good: 'bg-success', warn: 'bg-warning', off: 'bg-tg-hint' };

/** A rounded label with a coloured dot: a machine's or a payout's status. */
export function Pill({ tone, children, testId, value }: { tone: Tone; children: ReactNode; testId?: string; value?: string }) {
  return (
    <span data-testid={testId} data-value={value} className={`inline-flex shrink-0 items-center gap-1.5 rounded-full px-2.5 py-1 text-[13px] leading-none font-semibold ${toneClass[tone]}`}>
      <span aria-hidden className={`size-1.5 rounded-full ${dotClass[tone]}`} />
      {children}
    </span>
  );
}

/** A section's header, optionally with an action on its right (44 px tall tap target). */
export function SectionHeader({ title, action }: { title: string; action?: ReactNode }) {
  return (
    <div className="mb-1.5 flex min-h-6 items-end justify-between gap-3 px-4">
      <h3 className="text-[13px] tracking-wide text-tg-section-header uppercase">{title}</h3>
      {action}
    </div>
  );
}

/** A failed load, with a retry; `message`: what failed, in words ("Couldn’t load your machines"). */
export function LoadError({ message, onRetry, testId }: { message: string; onRetry: () => void; testId?: string }) {
  return (
    <div role="alert" data-testid={testId} className="flex flex-col items-center gap-1 px-6 py-6 text-center">
      <WarningIcon className="mb-1 size-7 text-tg-hint" aria-hidden="true" />
      <p className="text-[15px]">{message}</p>
      <button type="button" onClick={onRetry} className="min-h-11 px-4 text-[15px] text-tg-link active:opacity-60">
        {t('owner.retry')}
      </button>
    </div>
  );
}

/** An inline error under a control, in the destructive colour. */
export function InlineError({ children, testId }: { children: ReactNode; testId?: string }) {
  return (
    <p role="alert" data-testid={testId} className="mt-1.5 flex items-start gap-1.5 px-1 text-[13px] leading-snug text-tg-destructive">
      <WarningIcon className="mt-px size-4 shrink-0" />
      <span>{children}</span>
    </p>
  );
}

/** One figure in a grid of stats: a hint-coloured label over the value. */
export function Stat({ label, children, testId }: { label: string; children: ReactNode; testId?: string }) {
  return (
    <div className="min-w-0">
      <dt className="truncate text-[12px] leading-tight text-tg-hint">{label}</dt>
      <dd data-testid={testId} className="truncate text-[15px] leading-snug font-medium tabular-nums">
        {children}
      </dd>
    </div>
  );
}
