import { useState } from 'react';
import { t } from '../../i18n';
import { haptics } from '../../telegram/haptics';
import { MinusIcon, PlusIcon } from '../../ui/icons';
import { Spinner } from '../../ui/Spinner';
import { COEFFICIENT_MAX_MILLI, COEFFICIENT_MIN_MILLI, formatCoefficient, parseCoefficient, stepCoefficient } from './owner-format';
import { InlineError } from './ui';

interface CoefficientEditorProps {
  machineId: string;
  milli: number;
  saving: boolean;
  error: string | null;
  /** Resolves once saved (the field then shows the saved value); rejects on failure, keeping the draft. */
  onSave: (milli: number) => Promise<unknown>;
}

const asInput = (milli: number) => (milli / 1000).toString();
const stepButton = 'flex size-11 shrink-0 items-center justify-center rounded-full bg-tg-secondary-bg text-tg-link active:opacity-60 disabled:opacity-40';

/**
 * The machine's price coefficient (0.1×–100× of the model's base price): a stepper for the usual
 * nudge, a field for an exact value, saved on demand. The host applies it from its next job.
 */
export function CoefficientEditor({ machineId, milli, saving, error, onSave }: CoefficientEditorProps) {
  const [draft, setDraft] = useState<string | null>(null);
  const text = draft ?? asInput(milli);
  const parsed = parseCoefficient(text);
  const changed = draft !== null && (!parsed.ok || parsed.milli !== milli);
  const step = (direction: 1 | -1) => {
    haptics.select();
    setDraft(asInput(stepCoefficient(parsed.ok ? parsed.milli : milli, direction)));
  };
  const inputId = `coefficient-${machineId}`;
  return (
    <div className="px-4 py-3">
      <div className="flex items-center justify-between gap-2">
        <label htmlFor={inputId} className="min-w-0 text-[15px]">
          {t('owner.coefficient.label')}
          <span className="block text-[12px] leading-tight text-tg-hint">{t('owner.coefficient.hint')}</span>
        </label>
        <div className="flex shrink-0 items-center gap-1">
          <button type="button" aria-label={t('owner.coefficient.lower')} className={stepButton} disabled={saving || (parsed.ok && parsed.milli <= COEFFICIENT_MIN_MILLI)} onClick={() => step(-1)}>
            <MinusIcon className="size-4" />
          </button>
          <div className="relative">
            <input
              id={inputId}
              data-testid="coefficient-input"
              inputMode="decimal"
              autoComplete="off"
              value={text}
              aria-invalid={!parsed.ok}
              onChange={(e) => setDraft(e.target.value)}
              className="h-11 w-[4.5rem] rounded-lg bg-tg-secondary-bg pr-5 pl-2 text-right text-[16px] tabular-nums outline-none focus:ring-2 focus:ring-tg-button"
            />
            <span aria-hidden className="pointer-events-none absolute top-1/2 right-2 -translate-y-1/2 text-[15px] text-tg-hint">×</span>
          </div>
          <button type="button" aria-label={t('owner.coefficient.raise')} className={stepButton} disabled={saving || (parsed.ok && parsed.milli >= COEFFICIENT_MAX_MILLI)} onClick={() => step(1)}>
            <PlusIcon className="size-4" />
          </button>
        </div>
      </div>
      {!parsed.ok && <InlineError testId="coefficient-error">{parsed.error}</InlineError>}
      {error && <InlineError>{error}</InlineError>}
      {changed && (
        <div className="mt-2 flex items-center justify-end gap-2">
          <button type="button" onClick={() => setDraft(null)} disabled={saving} className="min-h-11 px-3 text-[15px] text-tg-link active:opacity-60">
            {t('owner.coefficient.cancel')}
          </button>
          <button
            type="button"
            data-testid="coefficient-save"
            disabled={!parsed.ok || saving}
            onClick={() => {
              if (!parsed.ok) return;
              haptics.tap();
              onSave(parsed.milli).then(
                () => setDraft(null),
                () => haptics.error(),
              );
            }}
            className="flex min-h-11 items-center gap-2 rounded-xl bg-tg-button px-4 text-[15px] font-semibold text-tg-button-text active:opacity-80 disabled:opacity-50"
          >
            {saving && <Spinner />}
            {t('owner.coefficient.save', { value: parsed.ok ? formatCoefficient(parsed.milli) : '' })}
          </button>
        </div>
      )}
    </div>
  );
}
