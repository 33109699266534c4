import { useLayoutEffect, useRef } from 'react';
import { t } from '../../i18n';
import { AssistantMessage } from './AssistantMessage';
import { chatItems, type Message } from './chat-state';
import { UserMessage } from './UserMessage';

/** Distance from the bottom (px) within which new text keeps the list pinned to the end. */
const STICK_PX = 96;

/** What can be done with the last turn; each only when given (a job running gives none). */
export interface LastTurnActions {
  onRegenerate?: () => void;
  onContinue?: () => void;
  onEdit?: () => void;
}

/**
 * The conversation; follows the stream while the reader is at the bottom, not when scrolled up.
 * A live log for screen readers: new messages and the answer's text as it streams are announced.
 * Continuations join their answer's bubble; the last answer and question carry the turn's actions.
 */
export function MessageList({ messages, actions = {} }: { messages: Message[]; actions?: LastTurnActions }) {
  const scroller = useRef<HTMLDivElement>(null);
  const stick = useRef(true);
  const last = messages.at(-1);
  const lastText = last?.role === 'assistant' ? last.text.length : 0;

  useLayoutEffect(() => {
    if (last?.role === 'user') stick.current = true;
    const el = scroller.current;
    if (el && stick.current) el.scrollTop = el.scrollHeight;
  }, [messages.length, lastText, last?.role, last]);

  const items = chatItems(messages);
  const lastAnswer = items.findLastIndex((i) => i.kind === 'answer');
  const lastUser = items.findLastIndex((i) => i.kind === 'user');
  const { onRegenerate, onContinue, onEdit } = actions;

  return (
    <div
      ref={scroller}
      data-testid="message-list"
      role="log"
      aria-live="polite"
      aria-relevant="additions text"
      aria-label={t('conversations.log')}
      onScroll={(e) => {
        const el = e.currentTarget;
        stick.current = el.scrollHeight - el.scrollTop - el.clientHeight < STICK_PX;
      }}
      className="flex-1 overflow-y-auto overscroll-contain px-safe"
    >
      <div className="mx-auto flex max-w-2xl flex-col gap-3 px-3 pt-4 pb-3">
        {items.map((item, i) => {
          if (item.kind === 'user') {
            const next = items[i + 1];
            const leftOut = next?.kind === 'answer' && i + 1 === lastAnswer ? (next.parts[0]?.leftOut ?? 0) : 0;
            return (
              <div key={item.message.id} className="contents">
                {leftOut > 0 && <ContextTrimmed count={leftOut} />}
                <UserMessage message={item.message} onEdit={i === lastUser ? onEdit : undefined} />
              </div>
            );
          }
          const isLast = i === lastAnswer;
          const lengthStopped = item.message.finishReason === 'length' && item.message.status === 'done';
          return (
            <AssistantMessage
              key={item.parts[0]?.id ?? item.message.id}
              message={item.message}
              actions={isLast ? { onRegenerate, onContinue: lengthStopped ? onContinue : undefined } : undefined}
            />
          );
        })}
      </div>
    </div>
  );
}

/** That the oldest messages were not sent with this turn, to fit the model's context. */
function ContextTrimmed({ count }: { count: number }) {
  return (
    <p data-testid="context-trimmed" data-count={count} className="mx-auto max-w-[85%] text-center text-[12px] leading-snug text-tg-hint">
      {t('conversations.trimmed', { count })}
    </p>
  );
}
