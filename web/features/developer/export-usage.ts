import { downloadFile, openLink } from '@telegram-apps/sdk-react';
import { brokerUrl } from '../../api/broker-url';

/**
 * Hands the signed CSV link (POST /api/developer/usage/export) to Telegram: its native download
 * sheet where the client has one (Mini Apps 8.0+), otherwise the browser through `openLink`.
 * Neither can send the session, which is why the link is signed and short-lived.
 */
export async function openUsageExport(path: string, fileName: string): Promise<void> {
  const url = new URL(brokerUrl(path), window.location.href).href;
  if (downloadFile.isAvailable()) return downloadFile(url, fileName);
  if (openLink.isAvailable()) return openLink(url);
  window.open(url, '_blank', 'noopener');
}
