import { retrieveRawLaunchParams } from '@telegram-apps/sdk-react';
import { languageCodeOf } from '../i18n';

/*
 * A launch's raw start parameter and language, apart from what a start parameter means
 * (./start-param.ts), which loads with the writing tools: the first load only checks for one.
 */

/** The start parameter from launch parameters: `tgWebAppStartParam`, else the init data's `start_param`. */
export function startParamOf(launchParams: string): string | undefined {
  const params = new URLSearchParams(launchParams);
  const direct = params.get('tgWebAppStartParam');
  if (direct) return direct;
  return new URLSearchParams(params.get('tgWebAppData') ?? '').get('start_param') ?? undefined;
}

/** This launch's raw parameters, or '' outside Telegram (and its imitation). */
function launchParams(): string {
  try {
    return retrieveRawLaunchParams();
  } catch {
    return ''; // not launched by Telegram: no start parameter
  }
}

/** This launch's start parameter, if any (what it opens: ./start-param.ts, loaded with the tools screen). */
export const launchStartParam = (): string | undefined => startParamOf(launchParams());

/** The Telegram user's language for this launch, if Telegram passed it. */
export const launchLanguageCode = (): string | undefined => languageCodeOf(new URLSearchParams(launchParams()).get('tgWebAppData') ?? '');
