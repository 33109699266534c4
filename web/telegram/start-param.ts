import { REWRITE_STYLES, TOOL_IDS, type RewriteStyle, type ToolId } from '../features/tools/tool-ids';

/**
 * Where a `startapp` link opens the Mini App: `https://t.me/<bot>/<app>?startapp=tool-translate`
 * (or the bot's main Mini App, `https://t.me/<bot>?startapp=tool-summarize`) opens the writing
 * tools with that tool chosen. Telegram hands the parameter over as the launch parameter
 * `tgWebAppStartParam` and as `start_param` in the init data.
 *
 * A start parameter is at most 64 characters of [A-Za-z0-9_-], so it names a tool, never the text
 * to work on: the text is pasted on the tools screen. Nor does text come with a launch from the
 * attachment menu (offered to few bots, and only the chat is passed), and the bot cannot relay it
 * without reading it in clear: a text to work on stays on the device from paste to sealing.
 *
 * Forms: `tool-summarize`, `tool-grammar`, `tool-rewrite` (optionally `-shorter`, `-formal`,
 * `-friendly`), `tool-translate` (optionally `-<language>`, e.g. `tool-translate-de`,
 * `tool-translate-pt_BR`: an underscore for the hyphen the tag needs).
 */
export interface ToolStart {
  tool: ToolId;
  style?: RewriteStyle;
  /** A BCP 47 language tag to translate into. */
  language?: string;
}

/** What Telegram allows in a start parameter. */
const START_PARAM = /^[A-Za-z0-9_-]{1,64}$/;
const LANGUAGE = /^[a-z]{2,3}(?:_[A-Za-z0-9]{2,8})?$/;

/** The tool a start parameter opens, or null for any other (or a malformed) one. */
export function parseStartParam(raw: string | null | undefined): ToolStart | null {
  if (!raw || !START_PARAM.test(raw)) return null;
  const [prefix, name, ...rest] = raw.split('-');
  if (prefix !== 'tool' || !(TOOL_IDS as readonly string[]).includes(name ?? '')) return null;
  const tool = name as ToolId;
  const option = rest.join('-');
  if (!option) return { tool };
  if (tool === 'rewrite' && (REWRITE_STYLES as readonly string[]).includes(option)) return { tool, style: option as RewriteStyle };
  if (tool === 'translate' && LANGUAGE.test(option)) return { tool, language: option.replace('_', '-') };
  return null;
}

export { startParamOf } from './launch-param';
