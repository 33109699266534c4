import { currentLocale, formatNumber, t } from '../../i18n';
import { languageLabel } from './languages';
import { MAX_TOOL_TEXT_CHARS } from './prompts';

/** The language Translate translates into: the user's own first, then the short list (./languages.ts). */
export function LanguageSelect(p: { value: string; onChange: (code: string) => void; targets: readonly string[]; userLanguage: string; disabled: boolean }) {
  const locale = currentLocale();
  return (
    <label className="mt-2 flex min-h-11 items-center gap-3 rounded-xl bg-tg-section-bg px-4 text-[15px]">
      <span className="shrink-0">{t('tools.into')}</span>
      <select
        data-testid="translate-language"
        value={p.value}
        disabled={p.disabled}
        onChange={(e) => p.onChange(e.target.value)}
        className="min-h-11 min-w-0 flex-1 bg-transparent text-right text-tg-link outline-none"
      >
        {p.targets.map((code) => (
          <option key={code} value={code}>
            {code === p.userLanguage ? t('tools.yourLanguage', { language: languageLabel(code, locale) }) : languageLabel(code, locale)}
          </option>
        ))}
      </select>
    </label>
  );
}

/**
 * The text to work on: Return inserts a new line (the run button sends), and a counter shows the
 * length against the limit (./prompts.ts), in red once over it.
 */
export function TextInput({ value, onChange, disabled }: { value: string; onChange: (text: string) => void; disabled: boolean }) {
  const over = value.length > MAX_TOOL_TEXT_CHARS;
  return (
    <div className="mt-4 rounded-xl bg-tg-section-bg">
      {/* autoComplete off: not in the browser's session-restore file (see Composer). */}
      <textarea
        autoComplete="off"
        data-testid="tool-input"
        value={value}
        onChange={(e) => onChange(e.target.value)}
        rows={7}
        enterKeyHint="enter"
        aria-label={t('tools.input')}
        aria-describedby="tool-counter"
        placeholder={t('tools.placeholder')}
        className="block max-h-[50vh] min-h-40 w-full resize-y rounded-t-xl bg-transparent px-4 py-3 text-[16px] leading-snug text-tg-text outline-none placeholder:text-tg-hint"
      />
      <div className="flex items-center justify-between gap-2 border-t border-tg-separator pl-4">
        <span id="tool-counter" data-testid="tool-counter" data-over={over} className={`text-[13px] tabular-nums ${over ? 'text-tg-destructive' : 'text-tg-hint'}`}>
          {t('tools.counter', { count: formatNumber(value.length), max: formatNumber(MAX_TOOL_TEXT_CHARS) })}
        </span>
        <button
          type="button"
          data-testid="tool-clear"
          disabled={value.length === 0 || disabled}
          onClick={() => onChange('')}
          className="min-h-11 px-4 text-[15px] text-tg-link active:opacity-60 disabled:opacity-40"
        >
          {t('tools.clear')}
        </button>
      </div>
    </div>
  );
}
