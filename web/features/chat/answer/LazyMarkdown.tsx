import { lazy, Suspense, type ComponentType, type ReactNode } from 'react';
import type { AnswerActionsProps } from './AnswerActions';
import type { AnswerMarkdownProps } from './AnswerMarkdown';

/**
 * Markdown for answers and the actions row under them, out of the first load (one chunk, fetched
 * while the first answer is being sealed). Until the chunk is here, or if it cannot load, the answer
 * shows as plain text with its line breaks, so a streaming answer is never held back.
 */
const load = () => import('./answer-chunk');

const Markdown = lazy<ComponentType<AnswerMarkdownProps>>(() => load().then((m) => ({ default: m.AnswerMarkdown }), () => ({ default: PlainAnswer })));
const Actions = lazy<ComponentType<AnswerActionsProps>>(() => load().then((m) => ({ default: m.AnswerActions }), () => ({ default: () => null })));

/** Starts loading the chunk ahead of the first answer's text (while it is being sealed). */
export function preloadMarkdown(): void {
  load().catch(() => undefined);
}

/** The answer as plain text, whitespace kept: the fallback before (or without) markdown. */
export function PlainAnswer({ text, tail }: { text: string; tail?: ReactNode }) {
  return (
    <p className="break-words whitespace-pre-wrap" data-testid="answer-plain">
      {text}
      {tail}
    </p>
  );
}

/** An answer's markdown (AnswerMarkdown.tsx), as plain text until its chunk is loaded. */
export function LazyMarkdown(props: AnswerMarkdownProps) {
  return (
    <Suspense fallback={<PlainAnswer text={props.text} tail={props.tail} />}>
      <Markdown {...props} />
    </Suspense>
  );
}

/** Copy, Share, Regenerate and Continue under a finished answer (AnswerActions.tsx), once its chunk is loaded. */
export function LazyAnswerActions(props: AnswerActionsProps) {
  return (
    <Suspense fallback={null}>
      <Actions {...props} />
    </Suspense>
  );
}
