import { t } from '../../i18n';
import { CheckIcon, WarningIcon } from '../../ui/icons';
import { checkCharge } from './charge-check';
import type { AssistantMessage } from './chat-state';
import { creditsText } from './format';

/**
 * What the answer cost, in credits with their unit, checked against the enclave-signed receipt: the
 * broker's `charged` must equal costOf(price, receipt usage, coefficient). A mismatch is shown,
 * never hidden.
 */
export function JobCost({ message }: { message: AssistantMessage }) {
  const check = checkCharge(message);
  if (!check) {
    if (!message.streamReceipt) return null;
    return <p className="mt-1 px-1 text-[12px] text-tg-hint">{t('chat.cost.settling')}</p>;
  }
  const { receipt } = check;
  const tokens = t('chat.cost.tokens', { prompt: receipt.promptTokens, completion: receipt.completionTokens });
  return (
    <div
      data-testid="job-cost"
      data-check={check.state}
      data-micro={check.charged.toString()}
      data-prompt-tokens={receipt.promptTokens}
      data-completion-tokens={receipt.completionTokens}
      className="mt-1 px-1 text-[12px] leading-snug"
    >
      {check.state === 'ok' ? (
        <p className="flex flex-wrap items-center gap-x-1.5 text-tg-hint">
          <span className="font-medium text-tg-text">{creditsText(check.charged)}</span>
          <span aria-hidden="true">·</span>
          <span>{tokens}</span>
          <span aria-hidden="true">·</span>
          <span className="inline-flex items-center gap-0.5 text-success-text" title={t('chat.cost.signedHint')}>
            <CheckIcon className="size-3" /> {t('chat.cost.signed')}
          </span>
        </p>
      ) : (
        <p className="flex items-start gap-1 text-warning-text">
          <WarningIcon className="mt-px size-3.5 shrink-0" />
          <span>
            {check.state === 'mismatch'
              ? t('chat.cost.mismatch', { charged: creditsText(check.charged), tokens, expected: creditsText(check.expected) })
              : t('chat.cost.unverified', { charged: creditsText(check.charged) })}
          </span>
        </p>
      )}
    </div>
  );
}
