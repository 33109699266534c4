import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app/App';
import { OutsideTelegram } from './app/OutsideTelegram';
import './app/styles.css';
import { bootstrapTelegram, type TelegramLaunch } from './telegram/bootstrap';

const root = createRoot(document.getElementById('root')!);

void bootstrapTelegram()
  .catch((e: unknown): TelegramLaunch => {
    console.error('Telegram bootstrap failed', e);
    return { inTelegram: false };
  })
  .then((launch) => root.render(<StrictMode>{launch.inTelegram ? <App initData={launch.initData} /> : <OutsideTelegram />}</StrictMode>));
