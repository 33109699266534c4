import type { ReactNode } from 'react';
import { SessionProvider, useSessionQuery } from '../api/session';
import { friendlyMessage, toUiError } from '../features/chat/error-messages';
import { t } from '../i18n';
import { Skeleton } from '../ui/Skeleton';

/** The chat's outline while the session is being opened. */
function ChatSkeleton() {
  return (
    <div className="flex h-app flex-col bg-tg-secondary-bg" aria-busy="true" data-testid="app-loading">
      <div className="bg-tg-header-bg pt-safe">
        <div className="flex h-14 items-center justify-between gap-3 px-4">
          <div className="flex flex-col gap-1.5">
            <Skeleton className="h-4 w-36" />
            <Skeleton className="h-3 w-48" />
          </div>
          <Skeleton className="h-8 w-20 rounded-full" />
        </div>
      </div>
      <Skeleton className="h-11 rounded-none opacity-60" />
      <div className="flex flex-1 flex-col gap-3 p-3">
        <Skeleton className="ml-auto h-10 w-2/3 rounded-[18px]" />
        <Skeleton className="h-20 w-4/5 rounded-[18px]" />
        <Skeleton className="ml-auto h-10 w-1/2 rounded-[18px]" />
      </div>
      <div className="bg-tg-bottom-bar-bg p-3 pb-safe">
        <Skeleton className="h-10 rounded-full" />
      </div>
    </div>
  );
}

function SessionError({ error, onRetry }: { error: unknown; onRetry: () => void }) {
  const { title, body } = friendlyMessage(toUiError(error).code);
  return (
    <div className="flex h-app flex-col items-center justify-center gap-3 bg-tg-bg px-8 text-center" data-testid="session-error">
      <p className="text-[20px] font-semibold">{title}</p>
      <p className="text-[15px] text-tg-hint">{body}</p>
      <button
        type="button"
        data-testid="session-retry"
        onClick={onRetry}
        className="mt-2 min-h-11 rounded-xl bg-tg-button px-6 text-[15px] font-semibold text-tg-button-text active:opacity-80"
      >
        {t('common.retry')}
      </button>
    </div>
  );
}

/** Opens the broker session with Telegram's init data before anything else is shown. */
export function SessionGate({ initData, children }: { initData: string; children: ReactNode }) {
  const session = useSessionQuery(initData);
  if (session.isPending) return <ChatSkeleton />;
  if (session.isError) return <SessionError error={session.error} onRetry={() => void session.refetch()} />;
  return (
    <SessionProvider initData={initData} session={session.data}>
      {children}
    </SessionProvider>
  );
}
