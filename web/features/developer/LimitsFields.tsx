import { t } from '../../i18n';
import { parseLimit } from './developer-format';

export interface LimitsText {
  daily: string;
  total: string;
  perRequest: string;
}

const fields: { name: keyof LimitsText; label: string; hint: string }[] = [
  { name: 'daily', label: 'developer.field.daily', hint: 'developer.field.dailyHint' },
  { name: 'total', label: 'developer.field.total', hint: 'developer.field.totalHint' },
  { name: 'perRequest', label: 'developer.field.perRequest', hint: 'developer.field.perRequestHint' },
];

/** The three spending limits, in credits; empty means no limit. */
export function LimitsFields({ value, onChange, disabled }: { value: LimitsText; onChange: (next: LimitsText) => void; disabled: boolean }) {
  return (
    <>
      {fields.map((f) => {
        const invalid = parseLimit(value[f.name]) === undefined;
        return (
          <label key={f.name} className="flex items-center gap-3 px-4 py-2">
            <span className="flex w-24 shrink-0 flex-col">
              <span className="text-[15px]">{t(f.label)}</span>
              <span className="text-[12px] text-tg-hint">{t(f.hint)}</span>
            </span>
            <input
              data-testid={`key-limit-${f.name}`}
              inputMode="decimal"
              autoComplete="off"
              placeholder={t('developer.noLimit')}
              aria-label={t('developer.field.label', { field: t(f.label) })}
              aria-invalid={invalid}
              disabled={disabled}
              value={value[f.name]}
              onChange={(e) => onChange({ ...value, [f.name]: e.target.value })}
              className={`h-11 min-w-0 flex-1 rounded-[10px] bg-tg-secondary-bg px-3 text-right text-[16px] tabular-nums outline-none placeholder:text-tg-hint ${invalid ? 'text-tg-destructive' : 'text-tg-text'}`}
            />
            <span className="text-[13px] text-tg-hint">credits</span>
          </label>
        );
      })}
    </>
  );
}

/** The typed limits as micro-credits, or null when one of them is not a valid amount. */
export function parsedLimits(v: LimitsText): { daily: bigint | null; total: bigint | null; perRequest: bigint | null } | null {
  const daily = parseLimit(v.daily);
  const total = parseLimit(v.total);
  const perRequest = parseLimit(v.perRequest);
  if (daily === undefined || total === undefined || perRequest === undefined) return null;
  return { daily, total, perRequest };
}
