import { useEffect } from 'react';
import { t } from '../../i18n';
import { WarningIcon } from '../../ui/icons';
import type { AnswerActionHandlers } from './answer/AnswerActions';
import { LazyAnswerActions, LazyMarkdown, preloadMarkdown } from './answer/LazyMarkdown';
import type { AssistantMessage as AssistantMessageData } from './chat-state';
import { friendlyMessage } from './error-messages';
import { JobCost } from './JobCost';

const waitingLabel: Partial<Record<AssistantMessageData['status'], () => string>> = {
  sealing: () => t('answers.status.sealing'),
  queued: () => t('answers.status.queued'),
  streaming: () => t('answers.status.streaming'),
};

function TypingDots() {
  return (
    <span className="inline-flex gap-1 align-middle" aria-hidden>
      {[0, 150, 300].map((d) => (
        <span key={d} className="size-1.5 animate-shimmer rounded-full bg-tg-hint" style={{ animationDelay: `${d}ms` }} />
      ))}
    </span>
  );
}

/** That an answer which ended without a receipt cost nothing: the broker released its hold, or it was never sent. */
function Uncharged() {
  return (
    <span className="text-tg-hint" data-testid="job-uncharged">
      {' · '}
      {t('answers.uncharged')}
    </span>
  );
}

function Footnote({ message }: { message: AssistantMessageData }) {
  if (message.status === 'failed' && message.error) {
    return (
      <p className="mt-1 flex items-center gap-1 px-1 text-[12px] text-tg-destructive">
        <WarningIcon className="size-3.5" />
        {friendlyMessage(message.error.code).title}
        {message.uncharged && <Uncharged />}
      </p>
    );
  }
  if (message.status === 'stopped') {
    return (
      <p className="mt-1 px-1 text-[12px] text-tg-hint">
        {t('answers.stopped')}
        {message.uncharged && <Uncharged />}
      </p>
    );
  }
  if (message.finishReason === 'length') return <p className="mt-1 px-1 text-[12px] text-tg-hint">{t('answers.lengthLimit')}</p>;
  return null;
}

const Caret = () => <span className="ml-0.5 inline-block h-[1.1em] w-[2px] translate-y-[3px] animate-caret bg-tg-text" data-testid="streaming-caret" />;

/**
 * An answer as it streams: decrypted text (markdown once its chunk is loaded, plain text until
 * then), a caret while open, then its verified cost and what can be done with it.
 */
export function AssistantMessage({ message, actions }: { message: AssistantMessageData; actions?: AnswerActionHandlers }) {
  const open = message.status === 'sealing' || message.status === 'queued' || message.status === 'streaming';
  const empty = message.text.length === 0;
  useEffect(() => {
    if (open) preloadMarkdown();
  }, [open]);
  if (empty && !open) {
    return (
      <div className="-mt-2 flex animate-rise flex-col items-end" data-testid="message-assistant" data-status={message.status} data-job-id={message.id}>
        <Footnote message={message} />
        <JobCost message={message} />
      </div>
    );
  }
  return (
    <div className="flex min-w-0 animate-rise flex-col items-start pr-10" data-testid="message-assistant" data-status={message.status} data-job-id={message.id}>
      <div className="max-w-full min-w-0 rounded-[18px] rounded-bl-md bg-tg-section-bg px-3.5 py-2 text-[16px] leading-snug shadow-[0_0.5px_1px_rgb(0_0_0/0.08)]">
        {empty && open ? (
          <span className="flex items-center gap-2 text-[14px] text-tg-hint">
            <TypingDots />
            {waitingLabel[message.status]?.()}
          </span>
        ) : (
          <div data-testid="message-assistant-text">
            <LazyMarkdown text={message.text} streaming={open} tail={open ? <Caret /> : undefined} />
          </div>
        )}
      </div>
      <Footnote message={message} />
      {!open && !empty && <LazyAnswerActions text={message.text} actions={actions} />}
      <JobCost message={message} />
    </div>
  );
}
