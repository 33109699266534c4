import type { Check } from '@cocoon/shared/protocol/attestation-bundle';
import { t } from '../../i18n';
import { CheckIcon, CrossIcon, MinusIcon } from '../../ui/icons';

const outcome = (c: Check) => (c.skipped ? 'skipped' : c.ok ? 'pass' : 'fail');

/** One attestation check: its name, pass / fail / skipped, and the verifier's reason. */
export function CheckRow({ check }: { check: Check }) {
  const result = outcome(check);
  const icon = {
    pass: <CheckIcon className="size-3.5" />,
    fail: <CrossIcon className="size-3.5" />,
    skipped: <MinusIcon className="size-3.5" />,
  }[result];
  const tone = { pass: 'bg-success-text text-white', fail: 'bg-tg-destructive text-white', skipped: 'bg-tg-hint text-white' }[result];
  const label = t(`attestation.check.${result}`);
  return (
    <div className="flex items-start gap-3 px-4 py-2.5" data-testid="attestation-check" data-result={result}>
      <span className={`mt-0.5 flex size-5 shrink-0 items-center justify-center rounded-full ${tone}`} role="img" aria-label={label}>
        {icon}
      </span>
      <div className="min-w-0 flex-1">
        <div className="flex items-baseline justify-between gap-2">
          <span className="font-mono text-[13px] break-all">{check.name}</span>
          <span className="shrink-0 text-[12px] text-tg-hint">{label}</span>
        </div>
        {check.reason && <p className="mt-0.5 text-[13px] leading-snug text-tg-hint">{check.reason}</p>}
      </div>
    </div>
  );
}
