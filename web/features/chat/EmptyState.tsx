import { t } from '../../i18n';
import { ChevronRightIcon, LockIcon, SparkIcon, WarningIcon } from '../../ui/icons';

/** Starting prompts, in the user's language (chat.suggestion.<n>). */
const SUGGESTIONS = ['chat.suggestion.e2e', 'chat.suggestion.haiku', 'chat.suggestion.weekend', 'chat.suggestion.tee'];

interface EmptyStateProps {
  onPick: (text: string) => void;
  /** Opens the writing tools (web/features/tools). */
  onOpenTools: () => void;
  disabled: boolean;
  /** The chosen host's TEE is simulated: the promise of privacy does not hold, so say so. */
  simulated: boolean;
}

/** The first screen: what makes this chat private, and a few prompts to start with. */
export function EmptyState({ onPick, onOpenTools, disabled, simulated }: EmptyStateProps) {
  return (
    <div className="flex flex-1 flex-col overflow-y-auto px-safe" data-testid="empty-state">
      <div className="m-auto flex w-full flex-col items-center px-5 py-6 text-center">
        <span className="mb-4 flex size-16 items-center justify-center rounded-[22px] bg-tg-button text-tg-button-text shadow-lg shadow-tg-button/30">
          <LockIcon className="size-8" />
        </span>
        <h1 className="text-[22px] font-bold">{t('chat.empty.title')}</h1>
        <p className="mt-2 max-w-xs text-[15px] leading-snug text-tg-hint">{t('chat.empty.body')}</p>
        {simulated && (
          <p className="mt-3 flex max-w-xs items-start gap-1.5 text-left text-[13px] leading-snug text-warning-text">
            <WarningIcon className="mt-px size-4 shrink-0" />
            {t('chat.empty.simulated')}
          </p>
        )}
        <div className="mt-6 flex w-full max-w-sm flex-col gap-2">
          {SUGGESTIONS.map((id) => (
            <button
              key={id}
              type="button"
              disabled={disabled}
              onClick={() => onPick(t(id))}
              data-testid="suggestion"
              className="rounded-xl bg-tg-section-bg px-4 py-3 text-left text-[15px] text-tg-text shadow-[0_0.5px_1px_rgb(0_0_0/0.08)] transition active:scale-[0.98] active:opacity-70 disabled:opacity-50"
            >
              {t(id)}
            </button>
          ))}
        </div>
        <button
          type="button"
          data-testid="open-tools"
          onClick={onOpenTools}
          className="mt-4 flex min-h-11 w-full max-w-sm items-center gap-3 rounded-xl bg-tg-section-bg px-4 py-2.5 text-left shadow-[0_0.5px_1px_rgb(0_0_0/0.08)] transition active:scale-[0.98] active:opacity-70"
        >
          <SparkIcon className="size-5 shrink-0 text-tg-link" />
          <span className="min-w-0 flex-1">
            <span className="block text-[15px] font-medium text-tg-text">{t('chat.tools')}</span>
            <span className="block text-[13px] leading-snug text-tg-hint">{t('chat.tools_hint')}</span>
          </span>
          <ChevronRightIcon className="size-4 shrink-0 text-tg-hint" />
        </button>
      </div>
    </div>
  );
}
