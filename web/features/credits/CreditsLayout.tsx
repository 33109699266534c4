import type { ReactNode } from 'react';
import { t } from '../../i18n';
import { PushedScreen } from '../../ui/PushedScreen';

interface CreditsLayoutProps {
  /** The header; the skeleton, drawn before the screen's catalogue loads, passes none. */
  title?: string;
  /** Shown where Telegram draws no Back Button of its own (the mocked environment). */
  onBack: (() => void) | null;
  children: ReactNode;
  busy?: boolean;
}

/** The Credits screen's frame, pushed over the chat. */
export function CreditsLayout({ title, onBack, children, busy = false }: CreditsLayoutProps) {
  return (
    <PushedScreen title={title ?? t('credits.title')} testId="credits-screen" backTestId="credits-back-button" onBack={onBack} busy={busy}>
      {children}
    </PushedScreen>
  );
}
