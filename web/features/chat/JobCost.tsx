import { formatCredits } from '@cocoon/shared/pricing';
import { CheckIcon, WarningIcon } from '../../ui/icons';
import { checkCharge } from './charge-check';
import type { AssistantMessage } from './chat-state';

/**
 * What the answer cost, checked against the enclave-signed receipt: the broker's `charged` must
 * equal costOf(price, receipt usage, coefficient). A mismatch is shown, never hidden.
 */
export function JobCost({ message }: { message: AssistantMessage }) {
  const check = checkCharge(message);
  if (!check) {
    if (!message.streamReceipt) return null;
    return <p className="mt-1 px-1 text-[12px] text-tg-hint">Settling…</p>;
  }
  const { receipt } = check;
  const tokens = `${receipt.promptTokens} + ${receipt.completionTokens} tokens`;
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
          <span className="font-medium text-tg-text/70">{formatCredits(check.charged)} credits</span>
          <span>·</span>
          <span>{tokens}</span>
          <span>·</span>
          <span className="inline-flex items-center gap-0.5 text-success">
            <CheckIcon className="size-3" /> signed receipt
          </span>
        </p>
      ) : (
        <p className="flex items-start gap-1 text-warning-text">
          <WarningIcon className="mt-px size-3.5 shrink-0" />
          <span>
            {check.state === 'mismatch'
              ? `Charged ${formatCredits(check.charged)} credits, but the signed receipt (${tokens}) comes to ${formatCredits(check.expected)}.`
              : `Charged ${formatCredits(check.charged)} credits · the enclave receipt could not be verified on this device.`}
          </span>
        </p>
      )}
    </div>
  );
}
