import { cloneElement, createElement, Fragment, isValidElement, memo, useMemo, type ReactElement, type ReactNode } from 'react';
import { compiler, RuleType, type MarkdownToJSX } from 'markdown-to-jsx/react';
import { ELEMENT_CLASSES, keptProps } from './allowed-elements';
import { AnswerLink, ImageAsText } from './AnswerLink';
import { CodeBlock } from './CodeBlock';

export interface AnswerMarkdownProps {
  text: string;
  /** The answer is still arriving: incomplete inline syntax (`**bo`) is held back until it closes. */
  streaming?: boolean;
  /** Shown at the end of the last paragraph (the streaming caret). */
  tail?: ReactNode;
}

/** The plain text of a node's children (a link's words, to tell a bare URL from a named link). */
function plainText(nodes: MarkdownToJSX.ASTNode[]): string {
  return nodes.map((n) => ('text' in n && typeof n.text === 'string' ? n.text : 'children' in n && Array.isArray(n.children) ? plainText(n.children) : '')).join('');
}

/** Raw HTML never becomes elements: it is shown as the text it is (parsing it is off too; this is the second lock). */
const rawSource = (node: MarkdownToJSX.HTMLNode | MarkdownToJSX.HTMLSelfClosingNode): string => node._rawOuter ?? node._rawOpen ?? '';

const renderRule: MarkdownToJSX.Options['renderRule'] = (next, node, renderChildren, state) => {
  switch (node.type) {
    case RuleType.link:
      return (
        <AnswerLink key={state.key} href={node.target} text={plainText(node.children)}>
          {renderChildren(node.children, state)}
        </AnswerLink>
      );
    case RuleType.image:
      return <ImageAsText key={state.key} alt={node.alt ?? ''} src={node.target} />;
    case RuleType.codeBlock:
      return <CodeBlock key={state.key} code={node.text} fence={node.lang} />;
    case RuleType.codeInline:
      return (
        <code key={state.key} className="rounded-md bg-tg-text/10 px-1 py-px font-mono text-[0.88em] break-words">
          {node.text}
        </code>
      );
    case RuleType.htmlBlock:
    case RuleType.htmlSelfClosing:
      return <Fragment key={state.key}>{rawSource(node)}</Fragment>;
    case RuleType.htmlComment:
      return null;
    case RuleType.footnoteReference:
      return <sup key={state.key}>{node.text}</sup>;
    case RuleType.gfmTask:
      return <Fragment key={state.key}>{node.completed ? '☑ ' : '☐ '}</Fragment>;
    case RuleType.table:
      return (
        <div key={state.key} className="my-2 max-w-full overflow-x-auto" tabIndex={0}>
          {next()}
        </div>
      );
    default:
      return next();
  }
};

/** Every element the library makes goes through here: allowed ones get our look and lose all other attributes. */
const createAllowed = ((tag: unknown, props: Record<string, unknown> | null, ...children: ReactNode[]) => {
  const { key, ...kept } = keptProps(props);
  if (typeof tag !== 'string') return createElement(Fragment, { key }, ...children);
  const className = ELEMENT_CLASSES[tag];
  if (className === undefined) return createElement(Fragment, { key }, ...children);
  return createElement(tag, { key, ...kept, ...(className && { className }) }, ...children);
}) as MarkdownToJSX.Options['createElement'];

const baseOptions: MarkdownToJSX.Options = {
  disableParsingRawHTML: true,
  ignoreHTMLBlocks: true,
  disableFrontmatter: true,
  forceBlock: true,
  wrapper: null,
  // URLs are judged by links.ts (http(s) only), images never load: the library's own filter is not relied on.
  sanitizer: (value) => value,
  renderRule,
  createElement: createAllowed,
};

/** Puts `tail` at the end of the last block when that is a paragraph, else after it. */
function withTail(content: ReactNode, tail: ReactNode): ReactNode {
  if (!tail) return content;
  const blocks = Array.isArray(content) ? [...(content as ReactNode[])] : [content];
  const last = blocks.at(-1);
  if (isValidElement(last) && last.type === 'p') {
    const p = last as ReactElement<{ children?: ReactNode }>;
    blocks[blocks.length - 1] = cloneElement(p, undefined, p.props.children, tail);
    return blocks;
  }
  return [...blocks, <Fragment key="tail">{tail}</Fragment>];
}

/**
 * An answer's markdown, safely (lazy-loaded by LazyMarkdown.tsx): no raw HTML, no element that
 * loads anything (images are shown as text), links only to http(s) through Telegram, code blocks
 * highlighted with a Copy button. Parsed again on each streamed delta.
 */
export const AnswerMarkdown = memo(function AnswerMarkdown({ text, streaming = false, tail }: AnswerMarkdownProps) {
  const content = useMemo(() => compiler(text, { ...baseOptions, optimizeForStreaming: streaming }), [text, streaming]);
  return (
    <div className="break-words" data-testid="answer-markdown">
      {withTail(content, tail)}
    </div>
  );
});
