import { openLink, popup } from '@telegram-apps/sdk-react';

/**
 * Asks before a destructive action with Telegram's native popup (Mini Apps 6.2+), or the
 * browser's confirm where the client has none. Resolves true only for the confirming button.
 */
export async function confirmAction({ title, message, confirm }: { title: string; message: string; confirm: string }): Promise<boolean> {
  if (popup.show.isAvailable()) {
    const id = await popup.show({ title, message, buttons: [{ id: 'confirm', type: 'destructive', text: confirm }, { id: 'cancel', type: 'cancel' }] });
    return id === 'confirm';
  }
  return window.confirm(`${title}\n\n${message}`);
}

/** Opens an outside page (a block explorer) in Telegram's browser, or a new tab outside Telegram. */
export function openExternal(url: string): void {
  if (openLink.isAvailable()) openLink(url);
  else window.open(url, '_blank', 'noopener');
}
