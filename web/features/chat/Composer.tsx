import { useLayoutEffect, useRef, useSyncExternalStore, type KeyboardEvent } from 'react';
import { formatNumber, t } from '../../i18n';
import { ArrowUpIcon, StopIcon } from '../../ui/icons';
import { checkDraft, enterSends, type DraftPricing } from './composer-limit';
import { creditsCount, creditsNumber } from './format';

interface ComposerProps {
  value: string;
  onChange: (value: string) => void;
  onSend: () => void;
  onStop: () => void;
  streaming: boolean;
  canSend: boolean;
  hint: string | null;
  /** The chosen model's price at the chosen host and the user's max: the cost shown for a long message. */
  pricing?: DraftPricing | null;
}

const MAX_HEIGHT_PX = 144;

const COARSE_POINTER = '(pointer: coarse)';
const subscribeCoarse = (onChange: () => void) => {
  const query = matchMedia(COARSE_POINTER);
  query.addEventListener('change', onChange);
  return () => query.removeEventListener('change', onChange);
};
/** A touch screen is the main pointer: its keyboard's Return types a new line. */
const useCoarsePointer = () => useSyncExternalStore(subscribeCoarse, () => matchMedia(COARSE_POINTER).matches);

/**
 * The input bar. Send is an in-page button rather than Telegram's Main Button: a chat needs it
 * beside the text it sends, it must turn into Stop while an answer streams, and the Main Button
 * is hidden under the keyboard on some clients, exactly when a person is typing. A message over
 * the limit (composer-limit.ts) is stopped here, its text kept, with the limit in words.
 */
export function Composer({ value, onChange, onSend, onStop, streaming, canSend, hint, pricing = null }: ComposerProps) {
  const input = useRef<HTMLTextAreaElement>(null);
  const coarse = useCoarsePointer();
  const draft = checkDraft(value, pricing);
  const blocked = draft.over > 0 || draft.aboveMaxPrice;
  const sendable = canSend && value.trim().length > 0 && !blocked;

  useLayoutEffect(() => {
    const el = input.current;
    if (!el) return;
    el.style.height = 'auto';
    el.style.height = `${Math.min(el.scrollHeight, MAX_HEIGHT_PX)}px`;
  }, [value]);

  const onKeyDown = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (!enterSends({ key: e.key, shiftKey: e.shiftKey, isComposing: e.nativeEvent.isComposing }, coarse)) return;
    e.preventDefault();
    if (sendable && !streaming) onSend();
  };

  const limitNote = draft.over > 0
    ? t('chat.composer.tooLong', { over: draft.over, limit: formatNumber(draft.limit) })
    : draft.aboveMaxPrice && pricing
      ? t('chat.composer.aboveMax', { max: creditsNumber(pricing.maxPrice) })
      : null;

  return (
    <div className="shrink-0 bg-tg-bottom-bar-bg pb-safe px-safe shadow-[0_-0.5px_0_var(--color-tg-separator)]">
      <div className="flex items-end gap-2 px-3 pt-2 pb-2">
        {/* autoComplete off: Chromium otherwise saves a form field's value in its session-restore file, in clear, on disk. */}
        <textarea
          ref={input}
          autoComplete="off"
          data-testid="message-input"
          rows={1}
          value={value}
          enterKeyHint={coarse ? 'enter' : 'send'}
          placeholder={t('chat.composer.placeholder')}
          aria-label={t('chat.composer.label')}
          aria-invalid={blocked}
          aria-describedby={limitNote ? 'composer-limit' : undefined}
          onChange={(e) => onChange(e.target.value)}
          onKeyDown={onKeyDown}
          className={`max-h-36 min-h-11 flex-1 resize-none rounded-[22px] border bg-tg-secondary-bg px-4 py-[11px] text-[16px] leading-[20px] text-tg-text outline-none placeholder:text-tg-hint ${blocked ? 'border-tg-destructive' : 'border-tg-separator focus:border-tg-button/60'}`}
        />
        {streaming ? (
          <button
            type="button"
            data-testid="stop-button"
            aria-label={t('chat.composer.stop')}
            onClick={onStop}
            className="flex size-11 shrink-0 items-center justify-center rounded-full bg-tg-text/85 text-tg-bg transition active:scale-90"
          >
            <StopIcon className="size-5" />
          </button>
        ) : (
          <button
            type="button"
            data-testid="send-button"
            aria-label={t('chat.composer.send')}
            disabled={!sendable}
            onClick={onSend}
            className="flex size-11 shrink-0 items-center justify-center rounded-full bg-tg-button text-tg-button-text transition active:scale-90 disabled:bg-tg-hint/30 disabled:text-tg-bg"
          >
            <ArrowUpIcon className="size-5" />
          </button>
        )}
      </div>
      {(draft.showCounter || limitNote || draft.estimate !== null) && (
        <div className="-mt-1 flex items-start justify-between gap-3 px-4 pb-2 text-[12px] leading-snug" data-testid="composer-limit-row">
          <p id="composer-limit" data-testid="composer-note" className={limitNote ? 'text-tg-destructive' : 'text-tg-hint'}>
            {limitNote ??
              (draft.estimate !== null && pricing
                ? t('chat.composer.estimate', { cost: creditsCount(draft.estimate), amount: creditsNumber(draft.estimate), max: creditsNumber(pricing.maxPrice) })
                : '')}
          </p>
          {draft.showCounter && (
            <span
              data-testid="composer-counter"
              data-over={draft.over > 0 ? 'true' : 'false'}
              className={`shrink-0 tabular-nums ${draft.over > 0 ? 'font-semibold text-tg-destructive' : 'text-tg-hint'}`}
            >
              {formatNumber(draft.length)} / {formatNumber(draft.limit)}
            </span>
          )}
        </div>
      )}
      {hint && (
        <p className="-mt-1 px-4 pb-2 text-center text-[12px] leading-snug text-tg-hint" data-testid="send-hint">
          {hint}
        </p>
      )}
    </div>
  );
}
