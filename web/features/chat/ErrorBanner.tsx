import { CrossIcon, WarningIcon } from '../../ui/icons';
import { friendlyMessage, type UiError } from './error-messages';

/**
 * The latest error in plain words; the chat stays usable behind it. `uncharged`: the broker ended
 * the answer with its hold released and no transfer, which the banner says.
 */
export function ErrorBanner({ error, uncharged = false, onDismiss }: { error: UiError; uncharged?: boolean; onDismiss: () => void }) {
  const { title, body } = friendlyMessage(error.code);
  return (
    <div
      role="alert"
      data-testid="error-banner"
      data-code={error.code}
      className="mx-3 mb-2 flex animate-rise items-start gap-3 rounded-2xl bg-tg-section-bg p-3 shadow-[0_2px_12px_rgb(0_0_0/0.12)] ring-1 ring-tg-destructive/30"
    >
      <span className="mt-0.5 flex size-7 shrink-0 items-center justify-center rounded-full bg-tg-destructive/12 text-tg-destructive">
        <WarningIcon className="size-4" />
      </span>
      <div className="min-w-0 flex-1">
        <p className="text-[15px] font-semibold">{title}</p>
        <p className="mt-0.5 text-[14px] leading-snug text-tg-hint">{body}</p>
        {uncharged && (
          <p className="mt-0.5 text-[14px] leading-snug text-tg-hint" data-testid="error-uncharged">
            Nothing was charged.
          </p>
        )}
      </div>
      <button type="button" aria-label="Dismiss" onClick={onDismiss} className="-m-1 p-1 text-tg-hint active:opacity-60">
        <CrossIcon className="size-4" />
      </button>
    </div>
  );
}
