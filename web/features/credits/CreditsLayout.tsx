import type { ReactNode } from 'react';
import { PushedScreen } from '../../ui/PushedScreen';

interface CreditsLayoutProps {
  /** Shown where Telegram draws no Back Button of its own (the mocked environment). */
  onBack: (() => void) | null;
  children: ReactNode;
  busy?: boolean;
}

/** The Credits screen's frame, pushed over the chat. */
export function CreditsLayout({ onBack, children, busy = false }: CreditsLayoutProps) {
  return (
    <PushedScreen title="Credits" testId="credits-screen" backTestId="credits-back-button" onBack={onBack} busy={busy}>
      {children}
    </PushedScreen>
  );
}
