import type { ReactNode } from 'react';
import { t } from '../i18n';
import { ChevronLeftIcon } from './icons';

interface PushedScreenProps {
  title: string;
  /** `data-testid`s of the screen and of its in-page back button. */
  testId: string;
  backTestId: string;
  /** Shown where Telegram draws no Back Button of its own (the mocked environment). */
  onBack: (() => void) | null;
  children: ReactNode;
  busy?: boolean;
}

/** A screen pushed over the chat: Telegram's header colour on top, grouped sections below. */
export function PushedScreen({ title, testId, backTestId, onBack, children, busy = false }: PushedScreenProps) {
  return (
    <div data-testid={testId} aria-busy={busy} className="fixed inset-0 z-30 flex h-app animate-push-in flex-col bg-tg-secondary-bg">
      <header className="relative z-10 shrink-0 bg-tg-header-bg pt-safe px-safe shadow-[0_0.5px_0_var(--color-tg-separator)]">
        <div className="relative flex h-14 items-center justify-center px-4">
          {onBack && (
            <button
              type="button"
              data-testid={backTestId}
              onClick={onBack}
              className="absolute left-2 flex min-h-11 items-center gap-0.5 px-1 py-2 text-[17px] text-tg-link active:opacity-60"
            >
              <ChevronLeftIcon className="size-5" />
              {t('common.backToChat')}
            </button>
          )}
          <h1 className="text-[17px] font-semibold">{title}</h1>
        </div>
      </header>
      <main className="flex-1 overflow-y-auto overscroll-contain px-safe">
        <div className="mx-auto max-w-2xl px-4 pb-[calc(var(--inset-bottom)+24px)]">{children}</div>
      </main>
    </div>
  );
}
