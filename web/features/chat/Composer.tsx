import { useLayoutEffect, useRef, type KeyboardEvent } from 'react';
import { ArrowUpIcon, StopIcon } from '../../ui/icons';

interface ComposerProps {
  value: string;
  onChange: (value: string) => void;
  onSend: () => void;
  onStop: () => void;
  streaming: boolean;
  canSend: boolean;
  hint: string | null;
}

const MAX_HEIGHT_PX = 144;

/**
 * The input bar. Send is an in-page button rather than Telegram's Main Button: a chat needs it
 * beside the text it sends, it must turn into Stop while an answer streams, and the Main Button
 * is hidden under the keyboard on some clients, exactly when a person is typing.
 */
export function Composer({ value, onChange, onSend, onStop, streaming, canSend, hint }: ComposerProps) {
  const input = useRef<HTMLTextAreaElement>(null);
  const sendable = canSend && value.trim().length > 0;

  useLayoutEffect(() => {
    const el = input.current;
    if (!el) return;
    el.style.height = 'auto';
    el.style.height = `${Math.min(el.scrollHeight, MAX_HEIGHT_PX)}px`;
  }, [value]);

  const onKeyDown = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (e.key !== 'Enter' || e.shiftKey || e.nativeEvent.isComposing) return;
    e.preventDefault();
    if (sendable && !streaming) onSend();
  };

  return (
    <div className="shrink-0 bg-tg-bottom-bar-bg pb-safe px-safe shadow-[0_-0.5px_0_var(--color-tg-separator)]">
      <div className="flex items-end gap-2 px-3 pt-2 pb-2">
        <textarea
          ref={input}
          data-testid="message-input"
          rows={1}
          value={value}
          enterKeyHint="send"
          placeholder="Message"
          aria-label="Message"
          onChange={(e) => onChange(e.target.value)}
          onKeyDown={onKeyDown}
          className="max-h-36 min-h-10 flex-1 resize-none rounded-[20px] border border-tg-separator bg-tg-secondary-bg px-4 py-[9px] text-[16px] leading-[20px] text-tg-text outline-none placeholder:text-tg-hint focus:border-tg-button/60"
        />
        {streaming ? (
          <button
            type="button"
            data-testid="stop-button"
            aria-label="Stop"
            onClick={onStop}
            className="flex size-10 shrink-0 items-center justify-center rounded-full bg-tg-text/85 text-tg-bg transition active:scale-90"
          >
            <StopIcon className="size-5" />
          </button>
        ) : (
          <button
            type="button"
            data-testid="send-button"
            aria-label="Send"
            disabled={!sendable}
            onClick={onSend}
            className="flex size-10 shrink-0 items-center justify-center rounded-full bg-tg-button text-tg-button-text transition active:scale-90 disabled:bg-tg-hint/30 disabled:text-tg-bg"
          >
            <ArrowUpIcon className="size-5" />
          </button>
        )}
      </div>
      {hint && (
        <p className="-mt-1 px-4 pb-2 text-center text-[12px] leading-snug text-tg-hint" data-testid="send-hint">
          {hint}
        </p>
      )}
    </div>
  );
}
