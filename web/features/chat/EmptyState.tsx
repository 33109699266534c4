import { LockIcon, WarningIcon } from '../../ui/icons';

const SUGGESTIONS = [
  'Explain end-to-end encryption like I’m five',
  'Write a haiku about the TON blockchain',
  'Give me three ideas for a weekend project',
  'What is a trusted execution environment?',
];

interface EmptyStateProps {
  onPick: (text: string) => void;
  disabled: boolean;
  /** The chosen host's TEE is simulated: the promise of privacy does not hold, so say so. */
  simulated: boolean;
}

/** The first screen: what makes this chat private, and a few prompts to start with. */
export function EmptyState({ onPick, disabled, simulated }: EmptyStateProps) {
  return (
    <div className="flex flex-1 flex-col overflow-y-auto px-safe" data-testid="empty-state">
      <div className="m-auto flex w-full flex-col items-center px-5 py-6 text-center">
        <span className="mb-4 flex size-16 items-center justify-center rounded-[22px] bg-tg-button text-tg-button-text shadow-lg shadow-tg-button/30">
          <LockIcon className="size-8" />
        </span>
        <h1 className="text-[22px] font-bold">Private AI chat</h1>
        <p className="mt-2 max-w-xs text-[15px] leading-snug text-tg-hint">
          Each message is encrypted on this device for one attested GPU enclave. Nobody in between can read it — not even Cocoon.
        </p>
        {simulated && (
          <p className="mt-3 flex max-w-xs items-start gap-1.5 text-left text-[13px] leading-snug text-warning-text">
            <WarningIcon className="mt-px size-4 shrink-0" />
            This demo host’s enclave is simulated, so whoever runs it can read your messages.
          </p>
        )}
        <div className="mt-6 flex w-full max-w-sm flex-col gap-2">
          {SUGGESTIONS.map((s) => (
            <button
              key={s}
              type="button"
              disabled={disabled}
              onClick={() => onPick(s)}
              data-testid="suggestion"
              className="rounded-xl bg-tg-section-bg px-4 py-3 text-left text-[15px] text-tg-text shadow-[0_0.5px_1px_rgb(0_0_0/0.08)] transition active:scale-[0.98] active:opacity-70 disabled:opacity-50"
            >
              {s}
            </button>
          ))}
        </div>
      </div>
    </div>
  );
}
