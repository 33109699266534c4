import { t } from '../../i18n';
import { CrossIcon, WarningIcon } from '../../ui/icons';
import { friendlyMessage, needsTopUp, type UiError } from './error-messages';

interface ErrorBannerProps {
  error: UiError;
  /** The broker ended the answer with its hold released and no transfer, which the banner says. */
  uncharged?: boolean;
  onDismiss: () => void;
  /** Opens the Credits screen: offered right in the banner for an error a top-up fixes. */
  onTopUp?: () => void;
}

/** The latest error in plain words; the chat stays usable behind it. */
export function ErrorBanner({ error, uncharged = false, onDismiss, onTopUp }: ErrorBannerProps) {
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
            {t('chat.error.uncharged')}
          </p>
        )}
        {onTopUp && needsTopUp(error.code) && (
          <button
            type="button"
            data-testid="error-top-up"
            onClick={onTopUp}
            className="mt-2 min-h-11 rounded-xl bg-tg-button px-4 text-[15px] font-semibold text-tg-button-text active:opacity-80"
          >
            {t('chat.error.topUp')}
          </button>
        )}
      </div>
      <button
        type="button"
        aria-label={t('chat.error.dismiss')}
        onClick={onDismiss}
        className="-m-2 flex size-11 shrink-0 items-center justify-center text-tg-hint active:opacity-60"
      >
        <CrossIcon className="size-4" />
      </button>
    </div>
  );
}
