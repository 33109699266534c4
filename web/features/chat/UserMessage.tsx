import type { UserMessage as UserMessageData } from './chat-state';

export function UserMessage({ message }: { message: UserMessageData }) {
  return (
    <div className="flex animate-rise justify-end pl-12" data-testid="message-user">
      <p className="rounded-[18px] rounded-br-md bg-tg-button px-3.5 py-2 text-[16px] leading-snug break-words whitespace-pre-wrap text-tg-button-text">
        {message.text}
      </p>
    </div>
  );
}
