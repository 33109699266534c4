import type { ChatMessage } from '@cocoon/shared/protocol/openai-chat';

/** Used unless the request brings its own system message. */
export const DEFAULT_SYSTEM_PROMPT =
  "You are Cocoon's built-in demo model, a word-bigram model learned from Debian's license texts.";

const LABELS = { system: 'System', user: 'User', assistant: 'Assistant' } as const;

/**
 * The built-in engine's one fixed chat format: a plain transcript that ends with `Assistant:`.
 * The demo model has no chat template, and `:` and line breaks are the tokens its answers start
 * after. Any GGUF model can be served this way, though instruction-tuned ones answer better with
 * their own template.
 * @example formatChatPrompt([{ role: 'user', content: 'Hi' }]) // "System: You are ...\nUser: Hi\nAssistant:"
 */
export function formatChatPrompt(messages: readonly ChatMessage[], systemPrompt = DEFAULT_SYSTEM_PROMPT): string {
  const all = messages.some((m) => m.role === 'system') ? messages : [{ role: 'system' as const, content: systemPrompt }, ...messages];
  const lines = all.map((m) => `${LABELS[m.role]}: ${m.content.trim()}`);
  return `${lines.join('\n')}\n${LABELS.assistant}:`;
}
