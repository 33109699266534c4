/** What LazyMarkdown.tsx loads in one chunk after the first paint: the markdown renderer and the actions row. */
export { AnswerMarkdown } from './AnswerMarkdown';
export { AnswerActions } from './AnswerActions';
