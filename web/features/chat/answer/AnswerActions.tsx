import type { ReactNode } from 'react';
import { t } from '../../../i18n';
import { haptics } from '../../../telegram/haptics';
import { shareText } from '../../../telegram/share';
import { CheckIcon, CopyIcon } from '../../../ui/icons';
import { useCopy } from '../../../ui/use-copy';
import { ContinueIcon, RegenerateIcon, ShareIcon } from './icons';

/**
 * What may be done with a finished answer beyond copying and sharing it; the chat passes these
 * for the answer they apply to (the last one; Continue after a length stop).
 */
export interface AnswerActionHandlers {
  onRegenerate?: () => void;
  onContinue?: () => void;
}

function ActionButton({ label, onClick, testId, children }: { label: string; onClick: () => void; testId: string; children: ReactNode }) {
  return (
    <button
      type="button"
      aria-label={label}
      title={label}
      onClick={onClick}
      className="flex size-11 items-center justify-center rounded-full text-tg-link active:bg-tg-link/10"
      data-testid={testId}
    >
      {children}
    </button>
  );
}

export interface AnswerActionsProps {
  text: string;
  actions?: AnswerActionHandlers;
}

/** The row under a finished answer: Copy and Share always, Regenerate and Continue when given. */
export function AnswerActions({ text, actions }: AnswerActionsProps) {
  const { copied, copy } = useCopy(text);
  const { onRegenerate, onContinue } = actions ?? {};
  return (
    <div role="group" aria-label={t('answers.actions')} className="-ml-2 flex flex-wrap items-center" data-testid="answer-actions">
      <ActionButton label={copied ? t('answers.copied') : t('answers.copy')} onClick={() => void copy()} testId="answer-copy">
        {copied ? <CheckIcon className="size-5" /> : <CopyIcon className="size-5" />}
      </ActionButton>
      <ActionButton label={t('answers.share')} onClick={() => shareText(text)} testId="answer-share">
        <ShareIcon className="size-5" />
      </ActionButton>
      {onRegenerate && (
        <ActionButton
          label={t('answers.regenerate')}
          onClick={() => {
            haptics.tap();
            onRegenerate();
          }}
          testId="answer-regenerate"
        >
          <RegenerateIcon className="size-5" />
        </ActionButton>
      )}
      {onContinue && (
        <button
          type="button"
          onClick={() => {
            haptics.tap();
            onContinue();
          }}
          className="ml-1 flex min-h-11 items-center gap-1.5 rounded-full px-3 text-[15px] font-medium text-tg-link active:bg-tg-link/10"
          data-testid="answer-continue"
        >
          {t('answers.continue')}
          <ContinueIcon className="size-4" />
        </button>
      )}
      <span className="sr-only" aria-live="polite">
        {copied ? t('answers.copied') : ''}
      </span>
    </div>
  );
}
