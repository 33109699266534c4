import { LockIcon } from '../ui/icons';

/** Production builds run only inside Telegram, which vouches for who the user is. */
export function OutsideTelegram() {
  return (
    <div className="flex h-full flex-col items-center justify-center gap-3 bg-tg-bg px-8 text-center" data-testid="outside-telegram">
      <span className="flex size-16 items-center justify-center rounded-[22px] bg-tg-button text-tg-button-text">
        <LockIcon className="size-8" />
      </span>
      <p className="text-[22px] font-bold">Open Cocoon in Telegram</p>
      <p className="max-w-xs text-[15px] text-tg-hint">This confidential chat is a Telegram Mini App. Open it from the bot to sign in.</p>
    </div>
  );
}
