/**
 * The writing tools' names and rewrite styles, apart from their prompts (./prompts.ts): a
 * `startapp` link is parsed at launch (web/telegram/start-param.ts), in the first load, while the
 * tools screen and its prompts load on first visit.
 */
export const TOOL_IDS = ['summarize', 'rewrite', 'grammar', 'translate'] as const;
export type ToolId = (typeof TOOL_IDS)[number];

export const REWRITE_STYLES = ['shorter', 'formal', 'friendly'] as const;
export type RewriteStyle = (typeof REWRITE_STYLES)[number];
