import type { ReactNode } from 'react';

/** The top bar: model on the left, balance on the right, Telegram's header colour behind. */
export function ChatHeader({ children }: { children: ReactNode }) {
  return (
    <header className="relative z-10 shrink-0 bg-tg-header-bg pt-safe px-safe shadow-[0_0.5px_0_var(--color-tg-separator)]">
      <div className="flex h-14 items-center gap-3 px-4">{children}</div>
    </header>
  );
}
