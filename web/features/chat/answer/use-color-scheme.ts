import { useSyncExternalStore } from 'react';
import type { ColorScheme } from './highlight';

/** The colour scheme bootstrap.ts sets from Telegram's theme (`<html data-theme>`), following theme changes. */
export function useColorScheme(): ColorScheme {
  return useSyncExternalStore(subscribe, current, () => 'light');
}

const current = (): ColorScheme => (document.documentElement.dataset.theme === 'dark' ? 'dark' : 'light');

function subscribe(onChange: () => void): () => void {
  const observer = new MutationObserver(onChange);
  observer.observe(document.documentElement, { attributes: true, attributeFilter: ['data-theme'] });
  return () => observer.disconnect();
}
