import { THEME, TonConnect, TonConnectUIProvider, useTonConnectUI, type UIPreferences } from '@tonconnect/ui-react';
import { useEffect, useSyncExternalStore, type ReactNode } from 'react';
import { TONCONNECT_MANIFEST_PATH, TONCONNECT_WALLETS_PATH } from '../config';
import { currentLocale, type Locale } from '../i18n';

/**
 * TonConnect with nothing leaving for third parties by default: the manifest and the wallets list
 * come from the Mini App's own origin (the SDK's default list is a remote URL) and the SDK's
 * analytics are off. One connector for the app's life; TonConnect UI keeps a singleton too.
 */
let connector: TonConnect | undefined;
const getConnector = (): TonConnect =>
  (connector ??= new TonConnect({
    manifestUrl: new URL(TONCONNECT_MANIFEST_PATH, window.location.origin).href,
    walletsListSource: new URL(TONCONNECT_WALLETS_PATH, window.location.origin).href,
    analytics: { mode: 'off' },
  }));

/** The colour scheme bootstrap.ts follows from Telegram's theme (`<html data-theme>`). */
function subscribeTheme(onChange: () => void): () => void {
  const observer = new MutationObserver(onChange);
  observer.observe(document.documentElement, { attributes: true, attributeFilter: ['data-theme', 'style'] });
  return () => observer.disconnect();
}
const themeSnapshot = (): string => {
  const root = document.documentElement;
  const accent = getComputedStyle(root).getPropertyValue('--tg-theme-button-color').trim() || '#007aff';
  return `${root.dataset.theme === 'dark' ? 'dark' : 'light'} ${accent}`;
};

function preferencesFor(snapshot: string): UIPreferences {
  const [scheme, accent = '#007aff'] = snapshot.split(' ');
  const colors = { accent, connectButton: { background: accent, foreground: '#ffffff' } };
  return { theme: scheme === 'dark' ? THEME.DARK : THEME.LIGHT, borderRadius: 'm', colorsSet: { [THEME.LIGHT]: colors, [THEME.DARK]: colors } };
}

/** Keeps TonConnect's modals in Telegram's colours as the theme changes. */
function ThemeSync() {
  const [tonConnectUI] = useTonConnectUI();
  const snapshot = useSyncExternalStore(subscribeTheme, themeSnapshot);
  useEffect(() => {
    tonConnectUI.uiOptions = { uiPreferences: preferencesFor(snapshot) };
  }, [tonConnectUI, snapshot]);
  return null;
}

/** TonConnect's modals in the app's language: it speaks both of ours. */
export const tonConnectLanguage = (locale: Locale): 'en' | 'ru' => locale;

export function TonConnectProvider({ children }: { children: ReactNode }) {
  return (
    <TonConnectUIProvider
      connector={getConnector()}
      analytics={{ mode: 'off' }}
      language={tonConnectLanguage(currentLocale())}
      uiPreferences={preferencesFor(themeSnapshot())}
      // Our own status card reports progress and outcome; the wallet's "confirm" modal stays.
      actionsConfiguration={{ modals: ['before'], notifications: [] }}
      // Telegram's Back Button is ours (the Credits screen closes the modal first).
      enableAndroidBackHandler={false}
    >
      <ThemeSync />
      {children}
    </TonConnectUIProvider>
  );
}
