import type { ReactNode } from 'react';
import { t } from '../../i18n';
import { CheckIcon, CopyIcon, WarningIcon } from '../../ui/icons';
import { shareText } from '../../telegram/share';
import { useCopy } from '../../ui/use-copy';
import { ShareIcon } from '../chat/answer/icons';
import { LazyMarkdown } from '../chat/answer/LazyMarkdown';
import type { AssistantMessage } from '../chat/chat-state';
import { friendlyMessage } from '../chat/error-messages';
import { JobCost } from '../chat/JobCost';

const waiting: Partial<Record<AssistantMessage['status'], string>> = {
  sealing: 'tools.sealing',
  queued: 'tools.queued',
  streaming: 'tools.streaming',
};

/** How the run ended, when not plainly: failed, stopped (and whether it cost nothing), or cut at the length limit. */
function Footnote({ result }: { result: AssistantMessage }) {
  const uncharged = result.uncharged && <span data-testid="tool-uncharged"> · {t('tools.uncharged')}</span>;
  if (result.status === 'failed' && result.error) {
    return (
      <p className="mt-2 flex items-center gap-1 text-[13px] text-tg-destructive">
        <WarningIcon className="size-3.5 shrink-0" />
        <span>
          {friendlyMessage(result.error.code).title}
          {uncharged}
        </span>
      </p>
    );
  }
  if (result.status === 'stopped') {
    return (
      <p className="mt-2 text-[13px] text-tg-hint">
        {t('tools.stopped')}
        {uncharged}
      </p>
    );
  }
  if (result.finishReason === 'length') return <p className="mt-2 text-[13px] text-tg-hint">{t('tools.lengthLimit')}</p>;
  return null;
}

function ActionButton({ testId, onClick, children }: { testId: string; onClick: () => void; children: ReactNode }) {
  return (
    <button
      type="button"
      data-testid={testId}
      onClick={onClick}
      className="flex min-h-11 flex-1 items-center justify-center gap-1.5 rounded-xl bg-tg-secondary-bg px-3 text-[15px] font-medium text-tg-link transition active:opacity-60"
    >
      {children}
    </button>
  );
}

/**
 * The result as it streams in (decrypted on this device, rendered as markdown like an answer),
 * then what it cost against the signed receipt, with Copy and Share once there is text. Share goes
 * from this device to the Telegram client only (web/telegram/share.ts).
 */
export function ToolResult({ result }: { result: AssistantMessage }) {
  const open = result.status === 'sealing' || result.status === 'queued' || result.status === 'streaming';
  const { copied, copy } = useCopy(result.text);
  const label = waiting[result.status];
  return (
    <section className="mb-5" aria-labelledby="tool-result-title">
      <h2 id="tool-result-title" className="mb-1.5 px-4 text-[13px] font-normal tracking-wide text-tg-section-header uppercase">
        {t('tools.result')}
      </h2>
      <div className="rounded-xl bg-tg-section-bg p-4" data-testid="tool-result" data-status={result.status} data-job-id={result.id} aria-live="polite" aria-busy={open}>
        {result.text.length === 0 && open && label ? (
          <p className="text-[15px] text-tg-hint">{t(label)}</p>
        ) : (
          result.text.length > 0 && (
            <div className="text-[16px] leading-snug select-text" data-testid="tool-result-text">
              <LazyMarkdown
                text={result.text}
                streaming={open}
                tail={open && <span className="ml-0.5 inline-block h-[1.1em] w-[2px] translate-y-[3px] animate-caret bg-tg-text" aria-hidden />}
              />
            </div>
          )
        )}
        <Footnote result={result} />
        <JobCost message={result} />
        {!open && result.text.length > 0 && (
          <div className="mt-3 flex gap-2">
            <ActionButton testId="tool-copy" onClick={() => void copy()}>
              {copied ? <CheckIcon className="size-4" /> : <CopyIcon className="size-4" />}
              {copied ? t('tools.copied') : t('tools.copy')}
            </ActionButton>
            <ActionButton testId="tool-share" onClick={() => shareText(result.text)}>
              <ShareIcon className="size-4" />
              {t('tools.share')}
            </ActionButton>
          </div>
        )}
      </div>
    </section>
  );
}
