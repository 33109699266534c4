import './no-eval';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app/App';
import { OutsideTelegram } from './app/OutsideTelegram';
import './app/styles.css';
import { activateLocale, languageCodeOf, loadAreas, pickLocale } from './i18n';
import { bootstrapTelegram, type TelegramLaunch } from './telegram/bootstrap';

const root = createRoot(document.getElementById('root')!);

/** Dev and e2e builds: the local chain's test wallet, planted before TonConnect looks for wallets. */
async function plantDevWallet(): Promise<void> {
  // The define itself, not a re-export: a literal `false` here removes the wallet from production.
  if (__COCOON_TEST_WALLET__) {
    const { plantTestWallet } = await import('./ton/test-wallet/plant');
    plantTestWallet();
  }
}

void plantDevWallet()
  .catch((e: unknown) => console.error('test wallet unavailable', e))
  .then(bootstrapTelegram)
  .catch((e: unknown): TelegramLaunch => {
    console.error('Telegram bootstrap failed', e);
    return { inTelegram: false };
  })
  .then(async (launch) => {
    // The user's language from Telegram, loaded before the first render; English if it cannot load.
    const locale = pickLocale(launch.inTelegram ? languageCodeOf(launch.initData) : navigator.language);
    await activateLocale(locale).catch((e: unknown) => console.error(`language ${locale} unavailable`, e));
    return launch;
  })
  .then((launch) => {
    root.render(<StrictMode>{launch.inTelegram ? <App initData={launch.initData} mocked={launch.mocked} /> : <OutsideTelegram />}</StrictMode>);
    // The error messages' words, after the first paint (web/features/chat/error-messages.ts).
    return loadAreas(['errors']);
  })
  .catch((e: unknown) => console.warn('error messages unavailable: generic ones stand in', e));
