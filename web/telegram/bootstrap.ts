import {
  backButton,
  bindThemeParamsCssVars,
  bindViewportCssVars,
  expandViewport,
  init,
  mainButton,
  isThemeParamsDark,
  isTMA,
  miniApp,
  miniAppReady,
  mountViewport,
  retrieveRawInitData,
  settingsButton,
  setMiniAppBackgroundColor,
  setMiniAppBottomBarColor,
  setMiniAppHeaderColor,
  swipeBehavior,
  themeParams,
} from '@telegram-apps/sdk-react';

/** `mocked`: a dev or e2e build imitating Telegram in a plain browser, with no Telegram chrome around it. */
export type TelegramLaunch = { inTelegram: true; initData: string; mocked: boolean } | { inTelegram: false };

function followColorScheme(): void {
  const apply = () => {
    document.documentElement.dataset.theme = isThemeParamsDark() ? 'dark' : 'light';
  };
  apply();
  isThemeParamsDark.sub(apply);
}

/**
 * Starts the SDK when the page runs inside Telegram (or, in dev and e2e builds only, inside the
 * mocked environment) and binds theme, viewport and safe areas to CSS variables.
 */
export async function bootstrapTelegram(): Promise<TelegramLaunch> {
  let mockedInitData: string | null = null;
  // The define itself, not a re-export: a literal `false` here removes the mock from production.
  if (__COCOON_MOCK_TELEGRAM__) {
    const { mockTelegramOutsideTelegram } = await import('./mock-env');
    mockedInitData = await mockTelegramOutsideTelegram();
  }
  if (!isTMA()) return { inTelegram: false };

  init();
  backButton.mount.ifAvailable();
  settingsButton.mount.ifAvailable();
  mainButton.mount.ifAvailable();
  swipeBehavior.mount.ifAvailable();
  themeParams.mountSync.ifAvailable();
  bindThemeParamsCssVars.ifAvailable();
  followColorScheme();
  miniApp.mountSync.ifAvailable();
  setMiniAppHeaderColor.ifAvailable('bg_color');
  setMiniAppBackgroundColor.ifAvailable('bg_color');
  setMiniAppBottomBarColor.ifAvailable('bg_color');
  if (mountViewport.isAvailable()) {
    await mountViewport().catch((e: unknown) => console.warn('viewport unavailable', e));
    bindViewportCssVars.ifAvailable();
    expandViewport.ifAvailable();
  }
  miniAppReady.ifAvailable();

  const initData = mockedInitData ?? retrieveRawInitData();
  return initData ? { inTelegram: true, initData, mocked: mockedInitData !== null } : { inTelegram: false };
}
