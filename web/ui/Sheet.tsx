import { useEffect, type ReactNode } from 'react';
import { useBackButton } from '../telegram/hooks';

interface SheetProps {
  open: boolean;
  onClose: () => void;
  title: string;
  testId?: string;
  children: ReactNode;
}

/**
 * A bottom sheet in Telegram's style. Telegram's Back Button closes it where the client shows one;
 * the in-sheet button and Escape do the same everywhere else.
 */
export function Sheet({ open, onClose, title, testId, children }: SheetProps) {
  useBackButton(open, onClose);
  useEffect(() => {
    if (!open) return;
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && onClose();
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [open, onClose]);
  if (!open) return null;

  return (
    <div className="fixed inset-0 z-40 flex flex-col justify-end">
      <button aria-label="Close" className="absolute inset-0 animate-fade-in bg-black/40" onClick={onClose} />
      <section
        role="dialog"
        aria-modal="true"
        aria-label={title}
        data-testid={testId}
        className="relative flex max-h-[88%] animate-sheet-in flex-col rounded-t-2xl bg-tg-secondary-bg px-safe shadow-2xl"
      >
        <div className="flex shrink-0 items-center justify-between px-4 pt-2 pb-1">
          <span className="w-14" />
          <div className="flex flex-col items-center">
            <span className="mb-2 h-1 w-9 rounded-full bg-tg-hint/40" />
            <h2 className="text-[17px] font-semibold">{title}</h2>
          </div>
          <button className="w-14 text-right text-[17px] text-tg-link active:opacity-60" onClick={onClose}>
            Done
          </button>
        </div>
        <div className="overflow-y-auto overscroll-contain px-4 pt-2 pb-[calc(var(--inset-bottom)+16px+var(--mock-main-button-height,0px))]">{children}</div>
      </section>
    </div>
  );
}
