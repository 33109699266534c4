import { closingBehavior } from '@telegram-apps/sdk-react';
import { useEffect } from 'react';

/**
 * While `active` (an answer streams), Telegram asks before closing the Mini App, so a swipe or a
 * tap on Close does not throw away an answer being paid for. Where the client has no closing
 * behaviour (outside Telegram, older clients), nothing happens.
 */
export function useClosingConfirmation(active: boolean): void {
  useEffect(() => {
    if (!active) return;
    if (!closingBehavior.isMounted()) closingBehavior.mount.ifAvailable();
    closingBehavior.enableConfirmation.ifAvailable();
    return () => void closingBehavior.disableConfirmation.ifAvailable();
  }, [active]);
}
