import { openTelegramLink } from '@telegram-apps/sdk-react';
import { copyText } from '../ui/copy-text';
import { haptics } from './haptics';

/** Telegram's longest message: the share sheet would cut a longer text anyway. */
export const SHARE_MAX_CHARS = 4096;

/**
 * Telegram's share link for `text` (https://core.telegram.org/api/links#share-links), the text in
 * `url`: clients refuse the link when `url` is empty, and put `url` first in the message, so a text
 * given as `url` alone is shared as it is. Longer than a message allows, it is cut with an ellipsis.
 */
export function telegramShareLink(text: string): string {
  const chars = Array.from(text.trim());
  const body = chars.length > SHARE_MAX_CHARS ? `${chars.slice(0, SHARE_MAX_CHARS - 1).join('')}…` : chars.join('');
  return `https://t.me/share/url?${new URLSearchParams({ url: body }).toString().replace(/\+/g, '%20')}`;
}

/**
 * Shares an answer (or a writing tool's result) into a Telegram chat the user picks.
 *
 * Why Telegram's share link (`openTelegramLink('https://t.me/share/url?…')`): the text goes from
 * this device to the Telegram client only. The alternatives send the decrypted text to our server
 * first: `shareMessage` needs a message the bot prepared (`savePreparedInlineMessage`), and
 * `switchInlineQuery` hands it to the bot's inline mode (and cuts it at 256 characters). Outside
 * Telegram it falls back to the system share sheet, then to the clipboard.
 */
export function shareText(text: string): void {
  haptics.tap();
  const [opened] = openTelegramLink.ifAvailable(telegramShareLink(text));
  if (opened) return;
  if (typeof navigator.share === 'function') {
    navigator.share({ text }).catch(() => undefined);
    return;
  }
  void copyText(text).then((ok) => (ok ? haptics.success() : haptics.error()));
}
