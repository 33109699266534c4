import { useCallback, useEffect, useRef, useState } from 'react';
import type { ChatState, Message } from '../chat/chat-state';
import { keptMessages, titleFrom } from './kept';
import type { ConversationHead } from './record';
import type { ConversationStore } from './store';

/** Which conversation was open last (its random id, nothing of its content): reopened on the next start. */
export const CURRENT_CONVERSATION_KEY = 'cocoon.conversation.current';

let shared: Promise<ConversationStore> | undefined;
/**
 * The app's one conversation store (IndexedDB, sealed in the crypto worker), loaded and made on
 * first use: its code is not in the chat's first load (the initial-JS budget).
 */
export const conversationStore = (): Promise<ConversationStore> => {
  shared ??= import('./store').then((m) => m.createConversationStore());
  // A failed load is tried again next time.
  shared.catch(() => (shared = undefined));
  return shared;
};

function remembered(): Storage | null {
  try {
    return globalThis.localStorage ?? null;
  } catch {
    return null; // storage refused to this frame: the last conversation is not reopened
  }
}

/**
 * The open conversation, kept on the device: reopened on start, saved (sealed) after each
 * finished turn and when its cost settles, started anew by New chat. `chat` is the chat's state
 * and its `load`, which replaces the messages shown (only between jobs).
 */
export function useConversation(state: ChatState, load: (messages: Message[]) => void) {
  const [head, setHead] = useState<ConversationHead | null>(null);
  const headRef = useRef<ConversationHead | null>(null);
  /** The messages last loaded or saved: nothing new to keep while they are the ones shown. */
  const saved = useRef<readonly Message[]>(state.messages);
  const queue = useRef<Promise<void>>(Promise.resolve());
  const messagesRef = useRef(state.messages);
  useEffect(() => {
    messagesRef.current = state.messages;
  });

  const show = useCallback(
    (next: ConversationHead | null, messages: Message[]) => {
      headRef.current = next;
      setHead(next);
      saved.current = messages;
      load(messages);
      if (next) remembered()?.setItem(CURRENT_CONVERSATION_KEY, next.id);
      else remembered()?.removeItem(CURRENT_CONVERSATION_KEY);
    },
    [load],
  );

  // The last conversation comes back on start, unless the user has already begun a new one.
  useEffect(() => {
    const id = remembered()?.getItem(CURRENT_CONVERSATION_KEY);
    if (!id) return;
    conversationStore()
      .then((store) => store.load(id))
      .then((c) => {
        if (c && messagesRef.current.length === 0) show({ id: c.id, title: c.title, createdAt: c.createdAt, updatedAt: c.updatedAt }, c.messages);
      })
      .catch((e: unknown) => console.warn('the last conversation could not be opened', e instanceof Error ? e.name : 'unknown'));
  }, [show]);

  // After each finished turn (and when its cost settles): sealed and kept, one save at a time.
  useEffect(() => {
    if (state.activeJobId || state.messages === saved.current) return;
    const messages = keptMessages(state.messages);
    if (messages.length === 0) return;
    saved.current = state.messages;
    const now = Date.now();
    const current = headRef.current;
    const next: ConversationHead = current
      ? { ...current, title: current.title || titleFrom(messages), updatedAt: now }
      : { id: crypto.randomUUID(), title: titleFrom(messages), createdAt: now, updatedAt: now };
    headRef.current = next;
    setHead(next);
    remembered()?.setItem(CURRENT_CONVERSATION_KEY, next.id);
    queue.current = queue.current
      .then(async () => (await conversationStore()).save({ ...next, messages }))
      .catch((e: unknown) => console.warn('the conversation could not be kept on this device', e instanceof Error ? e.name : 'unknown'));
  }, [state.activeJobId, state.messages]);

  const newChat = useCallback(() => show(null, []), [show]);

  const open = useCallback(
    async (id: string) => {
      await queue.current;
      const c = await (await conversationStore()).load(id);
      if (c) show({ id: c.id, title: c.title, createdAt: c.createdAt, updatedAt: c.updatedAt }, c.messages);
      return c !== null;
    },
    [show],
  );

  /** After a rename or delete in the list: the open conversation follows. */
  const renamed = useCallback((h: ConversationHead) => {
    if (headRef.current?.id !== h.id) return;
    headRef.current = h;
    setHead(h);
  }, []);
  const deleted = useCallback((id: string) => headRef.current?.id === id && newChat(), [newChat]);

  return { head, newChat, open, renamed, deleted, saving: () => queue.current };
}
