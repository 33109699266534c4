import { t } from '../../i18n';
import type { UserMessage as UserMessageData } from './chat-state';

const PencilIcon = () => (
  <svg viewBox="0 0 24 24" className="size-[18px]" fill="none" stroke="currentColor" strokeWidth={2} strokeLinecap="round" strokeLinejoin="round" aria-hidden>
    <path d="M4 20h4L19 9l-4-4L4 16v4zM14 6l4 4" />
  </svg>
);

/** A message the user sent; the last one can be edited (`onEdit`: back into the composer, sent again in its place). */
export function UserMessage({ message, onEdit }: { message: UserMessageData; onEdit?: () => void }) {
  return (
    <div className="flex animate-rise items-center justify-end gap-1 pl-12" data-testid="message-user">
      {onEdit && (
        <button
          type="button"
          data-testid="message-edit"
          aria-label={t('conversations.edit')}
          onClick={onEdit}
          className="flex size-11 shrink-0 items-center justify-center rounded-full text-tg-hint active:opacity-60"
        >
          <PencilIcon />
        </button>
      )}
      <p className="min-w-0 rounded-[18px] rounded-br-md bg-tg-button px-3.5 py-2 text-[16px] leading-snug break-words whitespace-pre-wrap text-tg-button-text" data-testid="message-user-text">
        {message.text}
      </p>
    </div>
  );
}
