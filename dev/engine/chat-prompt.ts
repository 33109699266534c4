import { contentText, type ChatMessage, type Tool } from '@cocoon/shared/protocol/openai-chat';

/** Used unless the request brings its own system message. */
export const DEFAULT_SYSTEM_PROMPT =
  "You are Cocoon's built-in demo model, a word-bigram model learned from Debian's license texts.";

const LABELS = { system: 'System', developer: 'System', user: 'User', assistant: 'Assistant', tool: 'Tool' } as const;

/** One message's line text: its content, and for an assistant turn the tools it called. */
function lineText(m: ChatMessage): string {
  const text = contentText(m.content).trim();
  if (m.role !== 'assistant' || !m.tool_calls) return text;
  const calls = m.tool_calls.map((c) => `[call ${c.function.name} ${c.function.arguments}]`).join(' ');
  return text ? `${text} ${calls}` : calls;
}

/**
 * The built-in engine's one fixed chat format: a plain transcript that ends with `Assistant:`.
 * The demo model has no chat template, and `:` and line breaks are the tokens its answers start
 * after. Any GGUF model can be served this way, though instruction-tuned ones answer better with
 * their own template. Tools offered are listed on a `System:` line, as a template would, so they count as prompt tokens.
 * @example formatChatPrompt([{ role: 'user', content: 'Hi' }]) // "System: You are ...\nUser: Hi\nAssistant:"
 */
export function formatChatPrompt(messages: readonly ChatMessage[], opts: { systemPrompt?: string; tools?: readonly Tool[] | null } = {}): string {
  const system = messages.some((m) => m.role === 'system' || m.role === 'developer');
  const all: readonly ChatMessage[] = system ? messages : [{ role: 'system', content: opts.systemPrompt ?? DEFAULT_SYSTEM_PROMPT }, ...messages];
  const lines = all.map((m) => `${LABELS[m.role]}: ${lineText(m)}`);
  if (opts.tools?.length) lines.splice(1, 0, `System: tools ${opts.tools.map((t) => t.function.name).join(', ')}`);
  return `${lines.join('\n')}\n${LABELS.assistant}:`;
}
