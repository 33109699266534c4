import type { ReactNode } from 'react';
import { Spinner } from '../../ui/Spinner';

/** A full-width button in Telegram's button colour (or destructive red), with a busy state. */
export function PrimaryButton({ children, onClick, disabled = false, busy = false, destructive = false, testId }: {
  children: ReactNode;
  onClick: () => void;
  disabled?: boolean;
  busy?: boolean;
  destructive?: boolean;
  testId: string;
}) {
  return (
    <button
      type="button"
      data-testid={testId}
      disabled={disabled || busy}
      onClick={onClick}
      className={`flex h-12 w-full items-center justify-center gap-2 rounded-xl text-[16px] font-semibold transition active:opacity-80 disabled:opacity-50 ${destructive ? 'bg-tg-destructive text-white' : 'bg-tg-button text-tg-button-text'}`}
    >
      {busy && <Spinner />}
      {children}
    </button>
  );
}
