import { backButton, settingsButton, swipeBehavior } from '@telegram-apps/sdk-react';
import { useEffect, useRef } from 'react';
import { createBackStack } from './back-stack';

let offClick: (() => void) | undefined;
const backStack = createBackStack((size) => {
  if (size > 0) {
    offClick ??= backButton.onClick(() => backStack.press());
    backButton.show.ifAvailable();
  } else {
    offClick?.();
    offClick = undefined;
    backButton.hide.ifAvailable();
  }
});

/**
 * Shows Telegram's Back Button while `active`, calling `onBack` when pressed. Nested users (a
 * sheet over a screen) share the one button: a press closes the innermost.
 */
export function useBackButton(active: boolean, onBack: () => void): void {
  const latest = useRef(onBack);
  useEffect(() => {
    latest.current = onBack;
  });
  useEffect(() => {
    if (!active || !backButton.show.isAvailable()) return;
    return backStack.push(() => latest.current());
  }, [active]);
}

/** Keeps a swipe down on the chat from closing the Mini App while the screen is shown. */
export function useVerticalSwipesDisabled(): void {
  useEffect(() => {
    if (!swipeBehavior.disableVertical.isAvailable()) return;
    swipeBehavior.disableVertical();
    return () => void swipeBehavior.enableVertical.ifAvailable();
  }, []);
}

/** Shows "Settings" in Telegram's Mini App menu while mounted, calling `onClick` when chosen. */
export function useSettingsButton(onClick: () => void): void {
  const latest = useRef(onClick);
  useEffect(() => {
    latest.current = onClick;
  });
  useEffect(() => {
    if (!settingsButton.show.isAvailable()) return;
    settingsButton.show();
    const off = settingsButton.onClick(() => latest.current());
    return () => {
      off();
      settingsButton.hide.ifAvailable();
    };
  }, []);
}
