import { emitEvent, isTMA, mockTelegramEnv, parseInitDataQuery, type ThemeParams } from '@telegram-apps/sdk-react';
import { z } from 'zod';
import { DevInitDataResponseSchema } from '@cocoon/shared/protocol/api';
import { brokerUrl } from '../api/broker-url';
import { MainButtonParamsSchema, PopupParamsSchema, renderMockMainButton, showMockPopup } from './mock-chrome';
import { showTestInvoice } from './mock-invoice';

/**
 * Dev and e2e builds only (web/config.ts): imitates the Telegram client in a plain browser.
 * Init data comes from the URL hash when it carries `tgWebAppData` (as Telegram and the e2e
 * tests launch the app), otherwise from the dev broker, which signs it with the dev bot token.
 */
const ThemeSchema = z.record(z.string(), z.templateLiteral(['#', z.string().regex(/^[0-9a-fA-F]{6}$/)]));
type Theme = z.infer<typeof ThemeSchema>;

const light: Theme = {
  bg_color: '#ffffff',
  secondary_bg_color: '#efeff4',
  section_bg_color: '#ffffff',
  header_bg_color: '#ffffff',
  bottom_bar_bg_color: '#ffffff',
  text_color: '#000000',
  hint_color: '#8e8e93',
  subtitle_text_color: '#8e8e93',
  link_color: '#007aff',
  accent_text_color: '#007aff',
  section_header_text_color: '#6d6d72',
  button_color: '#007aff',
  button_text_color: '#ffffff',
  destructive_text_color: '#ff3b30',
  section_separator_color: '#c8c7cc',
};

const dark: Theme = {
  bg_color: '#17212b',
  secondary_bg_color: '#232e3c',
  section_bg_color: '#17212b',
  header_bg_color: '#17212b',
  bottom_bar_bg_color: '#17212b',
  text_color: '#f5f5f5',
  hint_color: '#708499',
  subtitle_text_color: '#708499',
  link_color: '#6ab3f3',
  accent_text_color: '#6ab2f2',
  section_header_text_color: '#6ab3f3',
  button_color: '#5288c1',
  button_text_color: '#ffffff',
  destructive_text_color: '#ec3942',
  section_separator_color: '#0d1117',
};

async function devInitData(): Promise<string> {
  const res = await fetch(brokerUrl('/api/dev/init-data'));
  if (!res.ok) throw new Error(`GET /api/dev/init-data answered ${res.status}`);
  return DevInitDataResponseSchema.parse(await res.json()).initData;
}

function themeFrom(hash: URLSearchParams): Theme {
  const given = hash.get('tgWebAppThemeParams');
  if (given) return ThemeSchema.parse(JSON.parse(given));
  return window.matchMedia('(prefers-color-scheme: dark)').matches ? dark : light;
}

/** The SDK's parser requires Telegram's Ed25519 `signature` field, which dev-signed data lacks. */
function sdkAccepts(initData: string): boolean {
  try {
    parseInitDataQuery(initData);
    return true;
  } catch {
    return false;
  }
}

/**
 * Mocks Telegram unless the page already runs inside it. Returns the raw init data to open the
 * session with (null inside real Telegram, where the SDK reads it from the launch parameters).
 */
export async function mockTelegramOutsideTelegram(): Promise<string | null> {
  if (await isTMA('complete')) return null;
  const hash = new URLSearchParams(window.location.hash.slice(1));
  const theme = themeFrom(hash);
  const initData = hash.get('tgWebAppData') ?? (await devInitData());
  const noInsets = { top: 0, bottom: 0, left: 0, right: 0 };
  const viewport = () => ({ height: window.innerHeight, width: window.innerWidth, is_expanded: true, is_state_stable: true });

  mockTelegramEnv({
    resetPostMessage: true,
    launchParams: new URLSearchParams({
      tgWebAppPlatform: hash.get('tgWebAppPlatform') ?? 'ios',
      tgWebAppVersion: hash.get('tgWebAppVersion') ?? '8.0',
      tgWebAppThemeParams: JSON.stringify(theme),
      // A `startapp` link's parameter (web/telegram/start-param.ts), as Telegram passes it.
      ...(hash.get('tgWebAppStartParam') ? { tgWebAppStartParam: hash.get('tgWebAppStartParam')! } : {}),
      ...(sdkAccepts(initData) ? { tgWebAppData: initData } : {}),
    }),
    onEvent([method, params]) {
      if (method === 'web_app_open_invoice') {
        const { slug } = params as { slug: string };
        showTestInvoice(slug, initData, (status) => emitEvent('invoice_closed', { slug, status }));
      }
      // Telegram's download sheet and external browser: here, the browser's own download and a new tab.
      if (method === 'web_app_request_file_download') {
        const { url, file_name } = params as { url: string; file_name: string };
        emitEvent('file_download_requested', { status: 'downloading' });
        const link = Object.assign(document.createElement('a'), { href: url, download: file_name });
        link.click();
      }
      if (method === 'web_app_open_link') window.open((params as { url: string }).url, '_blank', 'noopener');
      // Telegram's Main Button and popups, drawn in the page (mock-chrome.tsx).
      if (method === 'web_app_setup_main_button') renderMockMainButton(MainButtonParamsSchema.parse(params), () => emitEvent('main_button_pressed'));
      if (method === 'web_app_open_popup') showMockPopup(PopupParamsSchema.parse(params), (id) => emitEvent('popup_closed', id === null ? {} : { button_id: id }));
      if (method === 'web_app_request_theme') emitEvent('theme_changed', { theme_params: theme as ThemeParams });
      if (method === 'web_app_request_viewport') emitEvent('viewport_changed', viewport());
      if (method === 'web_app_request_safe_area') emitEvent('safe_area_changed', noInsets);
      if (method === 'web_app_request_content_safe_area') emitEvent('content_safe_area_changed', noInsets);
    },
  });
  window.addEventListener('resize', () => emitEvent('viewport_changed', viewport()));
  return initData;
}
