import type { ReactNode } from 'react';
import { t } from '../../i18n';
import { haptics } from '../../telegram/haptics';
import { REWRITE_STYLES, TOOL_IDS, type RewriteStyle, type ToolId } from './tool-ids';

const toolLabel: Record<ToolId, string> = {
  summarize: 'tools.summarize',
  rewrite: 'tools.rewrite',
  grammar: 'tools.grammar',
  translate: 'tools.translate',
};
const styleLabel: Record<RewriteStyle, string> = {
  shorter: 'tools.style.shorter',
  formal: 'tools.style.formal',
  friendly: 'tools.style.friendly',
};

/** The name of a tool, which its run button also shows. */
export const toolName = (tool: ToolId): string => t(toolLabel[tool]);

/** One choice of a radio group, 44 px high, filled in the button colour when chosen. */
function Choice({ checked, onSelect, testId, disabled, children }: { checked: boolean; onSelect: () => void; testId: string; disabled: boolean; children: ReactNode }) {
  return (
    <button
      type="button"
      role="radio"
      aria-checked={checked}
      data-testid={testId}
      disabled={disabled}
      onClick={() => {
        if (checked) return;
        haptics.select();
        onSelect();
      }}
      className={`min-h-11 min-w-0 rounded-xl px-3 py-2 text-[15px] leading-tight font-medium transition active:scale-[0.98] disabled:opacity-60 ${
        checked ? 'bg-tg-button text-tg-button-text' : 'bg-tg-section-bg text-tg-text shadow-[0_0.5px_1px_rgb(0_0_0/0.08)]'
      }`}
    >
      {children}
    </button>
  );
}

/** The four tools, two by two: each name stays whole at 320 px. */
export function ToolPicker({ value, onChange, disabled }: { value: ToolId; onChange: (tool: ToolId) => void; disabled: boolean }) {
  return (
    <div role="radiogroup" aria-label={t('tools.pick')} className="grid grid-cols-2 gap-2" data-testid="tool-picker">
      {TOOL_IDS.map((tool) => (
        <Choice key={tool} checked={tool === value} onSelect={() => onChange(tool)} testId={`tool-${tool}`} disabled={disabled}>
          {toolName(tool)}
        </Choice>
      ))}
    </div>
  );
}

/** How Rewrite rewrites: shorter, formal or friendly. */
export function StylePicker({ value, onChange, disabled }: { value: RewriteStyle; onChange: (style: RewriteStyle) => void; disabled: boolean }) {
  return (
    <div role="radiogroup" aria-label={t('tools.style')} className="grid grid-cols-3 gap-2">
      {REWRITE_STYLES.map((style) => (
        <Choice key={style} checked={style === value} onSelect={() => onChange(style)} testId={`rewrite-${style}`} disabled={disabled}>
          {t(styleLabel[style])}
        </Choice>
      ))}
    </div>
  );
}
