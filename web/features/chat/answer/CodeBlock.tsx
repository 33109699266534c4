import { Fragment, memo, useMemo } from 'react';
import { t } from '../../../i18n';
import { CheckIcon, CopyIcon } from '../../../ui/icons';
import { useCopy } from '../../../ui/use-copy';
import { CODE_PALETTES, codeLanguage, highlightLines } from './highlight';
import { useColorScheme } from './use-color-scheme';

/**
 * A fenced code block of an answer: its language, a Copy button, and the code highlighted in the
 * theme's palette; long lines scroll inside the block, never the page. Memoised: while the answer
 * streams, only the block whose code grew is highlighted again.
 */
export const CodeBlock = memo(function CodeBlock({ code, fence }: { code: string; fence?: string }) {
  const palette = CODE_PALETTES[useColorScheme()];
  const { id, label } = codeLanguage(fence);
  const lines = useMemo(() => highlightLines(code, id), [code, id]);
  const { copied, copy } = useCopy(code);
  return (
    <div className="my-2 max-w-full overflow-hidden rounded-xl first:mt-0.5 last:mb-0.5" style={{ background: palette.background, color: palette.text }} data-testid="answer-code">
      <div className="flex items-center justify-between pl-3 text-[12px]">
        <span className="truncate font-mono" style={{ color: palette.tokens.comment }} data-testid="answer-code-language">
          {label ?? t('answers.code.label')}
        </span>
        <button
          type="button"
          onClick={() => void copy()}
          aria-label={copied ? t('answers.copied') : t('answers.code.copy')}
          className="flex min-h-11 min-w-11 shrink-0 items-center justify-center gap-1 px-3 font-medium active:opacity-60"
          data-testid="answer-code-copy"
          data-copied={copied}
        >
          {copied ? <CheckIcon className="size-3.5" /> : <CopyIcon className="size-3.5" />}
          <span aria-hidden>{copied ? t('answers.copied') : t('answers.code.copyShort')}</span>
        </button>
      </div>
      <pre className="overflow-x-auto px-3 pb-3 text-[13px] leading-relaxed" tabIndex={0} aria-label={label ?? t('answers.code.label')}>
        <code className="font-mono" data-language={id ?? ''}>
          {lines.map((line, i) => (
            <Fragment key={i}>
              {i > 0 && '\n'}
              {line.map((token, j) => (
                <span key={j} style={{ color: palette.tokens[token.type] }}>
                  {token.value}
                </span>
              ))}
            </Fragment>
          ))}
        </code>
      </pre>
    </div>
  );
});
