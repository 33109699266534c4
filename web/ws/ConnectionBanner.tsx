import { useState } from 'react';
import { t } from '../i18n';
import { WarningIcon } from '../ui/icons';
import { Spinner } from '../ui/Spinner';
import type { SocketStatus } from './broker-socket';

/** What the banner says: nothing while connected (or on the first connection), else why Send waits. */
export type ConnectionNotice = 'offline' | 'reconnecting' | null;

/**
 * The notice for a status, given whether the connection dropped since it was last ready: the
 * first connection is the composer's quiet "Connecting securely…", a reconnection is announced
 * until it is back.
 */
export function connectionNotice(status: SocketStatus, dropped: boolean): ConnectionNotice {
  if (status === 'offline') return 'offline';
  if (status === 'waiting' || (status === 'connecting' && dropped)) return 'reconnecting';
  return null;
}

/**
 * Tells the user the chat cannot reach the broker: offline (the browser has no network) or
 * reconnecting after a drop, with a "Reconnect now" that skips the backoff wait.
 */
export function ConnectionBanner({ status, onReconnect }: { status: SocketStatus; onReconnect: () => void }) {
  const [dropped, setDropped] = useState(false);
  // Derived from the status sequence, updated while rendering (React's pattern for state from changing props).
  const isDropped = status === 'waiting' || status === 'offline' ? true : status === 'ready' || status === 'closed' ? false : dropped;
  if (isDropped !== dropped) setDropped(isDropped);
  const notice = connectionNotice(status, isDropped);
  if (!notice) return null;
  const offline = notice === 'offline';
  return (
    <div
      role="status"
      data-testid="connection-banner"
      data-state={notice}
      className="flex min-h-11 shrink-0 items-center gap-2.5 bg-tg-section-bg px-4 py-1.5 shadow-[0_0.5px_0_var(--color-tg-separator)]"
    >
      <span className="flex size-6 shrink-0 items-center justify-center text-tg-hint">
        {offline ? <WarningIcon className="size-4" /> : <Spinner className="size-4" />}
      </span>
      <div className="min-w-0 flex-1">
        <p className="text-[14px] font-semibold leading-tight">{t(offline ? 'network.banner.offline_title' : 'network.banner.reconnecting_title')}</p>
        <p className="text-[13px] leading-snug text-tg-hint">{t(offline ? 'network.banner.offline_body' : 'network.banner.reconnecting_body')}</p>
      </div>
      {!offline && (
        <button
          type="button"
          data-testid="reconnect-button"
          onClick={onReconnect}
          className="-mr-2 min-h-11 shrink-0 rounded-lg px-2 text-[14px] font-medium text-tg-link active:opacity-60"
        >
          {t('network.banner.reconnect_now')}
        </button>
      )}
    </div>
  );
}
