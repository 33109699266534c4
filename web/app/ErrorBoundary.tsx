import { Component, type ErrorInfo, type ReactNode } from 'react';
import { t } from '../i18n';
import { PushedScreen } from '../ui/PushedScreen';
import { WarningIcon } from '../ui/icons';
import { retryFailedLoads } from './retryable-lazy';

interface ErrorBoundaryProps {
  /** What shows instead of the children once they threw; `retry` renders them again. */
  fallback: (retry: () => void) => ReactNode;
  children: ReactNode;
}

/**
 * Keeps a failure inside the part of the app that failed: a screen whose chunk did not load, or
 * that threw while rendering, shows its fallback and the rest of the app goes on. Retry loads
 * failed chunks again (./retryable-lazy.tsx) and remounts the children. Only the error's name is
 * logged: a message could quote a conversation.
 */
export class ErrorBoundary extends Component<ErrorBoundaryProps, { failed: boolean }> {
  override state = { failed: false };

  static getDerivedStateFromError(): { failed: boolean } {
    return { failed: true };
  }

  override componentDidCatch(error: unknown, info: ErrorInfo): void {
    console.warn('a screen failed', error instanceof Error ? error.name : typeof error, info.componentStack?.split('\n', 3).join(' '));
  }

  private readonly retry = () => {
    retryFailedLoads();
    this.setState({ failed: false });
  };

  override render(): ReactNode {
    return this.state.failed ? this.props.fallback(this.retry) : this.props.children;
  }
}

/** A failure in plain words and a 44 px retry button. */
function RetryPanel({ title, body, onRetry }: { title: string; body: string; onRetry: () => void }) {
  return (
    <div role="alert" data-testid="screen-error" className="flex flex-col items-center gap-3 px-6 py-12 text-center">
      <span className="flex size-12 items-center justify-center rounded-full bg-tg-destructive/12 text-tg-destructive">
        <WarningIcon className="size-6" />
      </span>
      <p className="text-[17px] font-semibold">{title}</p>
      <p className="text-[15px] leading-snug text-tg-hint">{body}</p>
      <button
        type="button"
        data-testid="screen-retry"
        onClick={onRetry}
        className="mt-1 min-h-11 min-w-32 rounded-xl bg-tg-button px-6 text-[15px] font-semibold text-tg-button-text active:opacity-80"
      >
        {t('common.retry')}
      </button>
    </div>
  );
}

/** A screen pushed over the chat, kept to itself: a failure shows a retry there, Back returns to the chat. */
export function ScreenBoundary({ onBack, children }: { onBack: (() => void) | null; children: ReactNode }) {
  return (
    <ErrorBoundary
      fallback={(retry) => (
        <PushedScreen title={t('network.screen.header')} testId="screen-failed" backTestId="screen-failed-back-button" onBack={onBack}>
          <RetryPanel title={t('network.screen.title')} body={t('network.screen.body')} onRetry={retry} />
        </PushedScreen>
      )}
    >
      {children}
    </ErrorBoundary>
  );
}

/** The chat, kept from blanking the app: a failure shows a retry in its place. */
export function ChatBoundary({ children }: { children: ReactNode }) {
  return (
    <ErrorBoundary
      fallback={(retry) => (
        <div className="flex h-app flex-col justify-center bg-tg-bg pt-safe pb-safe px-safe" data-testid="chat-failed">
          <RetryPanel title={t('network.chat.title')} body={t('network.chat.body')} onRetry={retry} />
        </div>
      )}
    >
      {children}
    </ErrorBoundary>
  );
}
