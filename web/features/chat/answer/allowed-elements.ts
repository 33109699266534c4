import type { CSSProperties } from 'react';

/**
 * The only HTML elements the markdown library may create for an answer, with their look, and the
 * only attributes they keep. Links, images and code are drawn by our own components (AnswerMarkdown's
 * `renderRule`); any other element the library would make (an `<a>`, `<img>`, `<input>`, a raw HTML
 * tag) is replaced by its children, so nothing in an answer can load a URL or run anything.
 */
export const ELEMENT_CLASSES: Readonly<Record<string, string>> = {
  p: 'my-2 first:mt-0 last:mb-0',
  strong: 'font-semibold',
  em: 'italic',
  del: 'line-through',
  s: 'line-through',
  mark: 'rounded bg-warning/30 px-0.5',
  sub: '',
  sup: '',
  br: '',
  span: '',
  h1: 'mt-3 mb-1.5 text-[1.2em] leading-tight font-semibold first:mt-0',
  h2: 'mt-3 mb-1.5 text-[1.12em] leading-tight font-semibold first:mt-0',
  h3: 'mt-3 mb-1 text-[1.05em] font-semibold first:mt-0',
  h4: 'mt-2 mb-1 font-semibold first:mt-0',
  h5: 'mt-2 mb-1 font-semibold first:mt-0',
  h6: 'mt-2 mb-1 font-semibold first:mt-0',
  ul: 'my-2 list-disc pl-5 first:mt-0 last:mb-0',
  ol: 'my-2 list-decimal pl-5 first:mt-0 last:mb-0',
  li: 'my-0.5',
  blockquote: 'my-2 border-l-[3px] border-tg-link/60 pl-3 first:mt-0 last:mb-0',
  hr: 'my-3 border-tg-separator',
  table: 'border-collapse text-[14px]',
  thead: '',
  tbody: '',
  tr: '',
  th: 'border border-tg-separator px-2 py-1 text-left font-semibold',
  td: 'border border-tg-separator px-2 py-1 align-top',
};

/** The props an allowed element keeps: its key, a list's start, a table cell's alignment. */
export function keptProps(props: Record<string, unknown> | null | undefined): { key?: string | number; start?: number; style?: CSSProperties } {
  const kept: { key?: string | number; start?: number; style?: CSSProperties } = {};
  if (!props) return kept;
  if (typeof props.key === 'string' || typeof props.key === 'number') kept.key = props.key;
  if (typeof props.start === 'number') kept.start = props.start;
  const align = (props.style as CSSProperties | undefined)?.textAlign;
  if (align === 'left' || align === 'right' || align === 'center') kept.style = { textAlign: align };
  return kept;
}
