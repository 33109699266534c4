import type { Message } from '../chat/chat-state';

/*
 * What of a conversation is kept, and its title: apart from record.ts (its schemas) so the chat's
 * first load has them without the store, which loads when first used (use-conversation.ts).
 */

/** The messages worth keeping: the finished ones (a job still open is not, nor is anything after it). */
export function keptMessages(messages: readonly Message[]): Message[] {
  const open = messages.findIndex((m) => m.role === 'assistant' && (m.status === 'sealing' || m.status === 'queued' || m.status === 'streaming'));
  // An open answer's user message goes with it.
  return open === -1 ? [...messages] : messages.slice(0, Math.max(0, open - 1));
}

const TITLE_CHARS = 60;

/** A conversation's title: its first message, on one line, cut at a word near 60 characters. */
export function titleFrom(messages: readonly Message[]): string {
  const first = messages.find((m) => m.role === 'user' && m.kind !== 'continue');
  const line = (first?.text ?? '').replace(/\s+/g, ' ').trim();
  if (line.length <= TITLE_CHARS) return line;
  const cut = line.slice(0, TITLE_CHARS);
  const space = cut.lastIndexOf(' ');
  return `${(space > TITLE_CHARS / 2 ? cut.slice(0, space) : cut).trimEnd()}…`;
}
