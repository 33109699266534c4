import { backButton, swipeBehavior } from '@telegram-apps/sdk-react';
import { useEffect } from 'react';

/** Shows Telegram's Back Button while `active`, calling `onBack` when pressed. */
export function useBackButton(active: boolean, onBack: () => void): void {
  useEffect(() => {
    if (!active || !backButton.show.isAvailable()) return;
    backButton.show();
    const off = backButton.onClick(onBack);
    return () => {
      off();
      backButton.hide.ifAvailable();
    };
  }, [active, onBack]);
}

/** Keeps a swipe down on the chat from closing the Mini App while the screen is shown. */
export function useVerticalSwipesDisabled(): void {
  useEffect(() => {
    if (!swipeBehavior.disableVertical.isAvailable()) return;
    swipeBehavior.disableVertical();
    return () => void swipeBehavior.enableVertical.ifAvailable();
  }, []);
}
