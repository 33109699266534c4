import { useLayoutEffect, useRef } from 'react';
import { AssistantMessage } from './AssistantMessage';
import type { Message } from './chat-state';
import { UserMessage } from './UserMessage';

/** Distance from the bottom (px) within which new text keeps the list pinned to the end. */
const STICK_PX = 96;

/** The conversation; follows the stream while the reader is at the bottom, not when scrolled up. */
export function MessageList({ messages }: { messages: Message[] }) {
  const scroller = useRef<HTMLDivElement>(null);
  const stick = useRef(true);
  const last = messages.at(-1);
  const lastText = last?.role === 'assistant' ? last.text.length : 0;

  useLayoutEffect(() => {
    if (last?.role === 'user') stick.current = true;
    const el = scroller.current;
    if (el && stick.current) el.scrollTop = el.scrollHeight;
  }, [messages.length, lastText, last?.role, last]);

  return (
    <div
      ref={scroller}
      data-testid="message-list"
      onScroll={(e) => {
        const el = e.currentTarget;
        stick.current = el.scrollHeight - el.scrollTop - el.clientHeight < STICK_PX;
      }}
      className="flex-1 overflow-y-auto overscroll-contain px-safe"
    >
      <div className="mx-auto flex max-w-2xl flex-col gap-3 px-3 pt-4 pb-3">
        {messages.map((m) => (m.role === 'user' ? <UserMessage key={m.id} message={m} /> : <AssistantMessage key={m.id} message={m} />))}
      </div>
    </div>
  );
}
