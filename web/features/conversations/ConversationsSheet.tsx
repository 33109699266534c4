import { useCallback, useEffect, useState } from 'react';
import { formatDate, formatNumber, t } from '../../i18n';
import { confirmAction } from '../../telegram/confirm';
import { PlusIcon } from '../../ui/icons';
import { Sheet } from '../../ui/Sheet';
import { ANSWER_LENGTH_KEYS, effectiveMaxTokens, type AnswerLength } from './answer-length';
import { searchByTitle, type ConversationHead } from './record';
import { conversationStore } from './use-conversation';

export interface ConversationsSheetProps {
  open: boolean;
  onClose: () => void;
  currentId: string | null;
  /** New chat and opening one are refused while an answer streams. */
  busy: boolean;
  onNew: () => void;
  onOpen: (id: string) => Promise<boolean>;
  onRenamed: (head: ConversationHead) => void;
  onDeleted: (id: string) => void;
  answerLength: AnswerLength;
  onAnswerLength: (length: AnswerLength) => void;
  /** The chosen model's context length, which bounds the answer length. */
  contextLength: number | null;
}

const PencilIcon = () => (
  <svg viewBox="0 0 24 24" className="size-5" fill="none" stroke="currentColor" strokeWidth={2} strokeLinecap="round" strokeLinejoin="round" aria-hidden>
    <path d="M4 20h4L19 9l-4-4L4 16v4zM14 6l4 4" />
  </svg>
);
const TrashIcon = () => (
  <svg viewBox="0 0 24 24" className="size-5" fill="none" stroke="currentColor" strokeWidth={2} strokeLinecap="round" strokeLinejoin="round" aria-hidden>
    <path d="M4 7h16M10 11v6M14 11v6M6 7l1 13h10l1-13M9 7V4h6v3" />
  </svg>
);

const iconButton = 'flex size-11 shrink-0 items-center justify-center rounded-full text-tg-hint active:opacity-60 disabled:opacity-40';

/**
 * The conversations kept on this device: New chat, open, rename, delete (asked first), and a search
 * by title, done on the titles decrypted in memory. Also the answer length, a setting of this device.
 */
export default function ConversationsSheet(p: ConversationsSheetProps) {
  const [heads, setHeads] = useState<ConversationHead[] | null>(null);
  const [failed, setFailed] = useState(false);
  const [query, setQuery] = useState('');
  const [renaming, setRenaming] = useState<{ id: string; title: string } | null>(null);

  const refresh = useCallback(() => {
    conversationStore()
      .then((store) => store.list())
      .then((list) => (setHeads(list), setFailed(false)))
      .catch((e: unknown) => (console.warn('the kept conversations could not be listed', e instanceof Error ? e.name : 'unknown'), setFailed(true)));
  }, []);
  useEffect(() => {
    if (p.open) refresh();
  }, [p.open, refresh]);

  const shown = heads ? searchByTitle(heads, query) : [];
  const titleOf = (h: ConversationHead) => h.title || t('conversations.untitled');

  const rename = async (h: ConversationHead, title: string) => {
    setRenaming(null);
    const clean = title.replace(/\s+/g, ' ').trim().slice(0, 120);
    if (!clean || clean === h.title) return;
    p.onRenamed(await (await conversationStore()).rename(h, clean));
    refresh();
  };
  const remove = async (h: ConversationHead) => {
    const ok = await confirmAction({ title: t('conversations.deleteTitle'), message: t('conversations.deleteMessage', { title: titleOf(h) }), confirm: t('conversations.deleteConfirm') });
    if (!ok) return;
    await (await conversationStore()).remove(h.id);
    p.onDeleted(h.id);
    refresh();
  };

  return (
    <Sheet open={p.open} onClose={p.onClose} title={t('conversations.title')} testId="conversations-sheet">
      <button
        type="button"
        data-testid="new-chat"
        disabled={p.busy}
        onClick={() => (p.onNew(), p.onClose())}
        className="mb-3 flex min-h-11 w-full items-center gap-2 rounded-xl bg-tg-section-bg px-4 text-[16px] text-tg-link active:opacity-60 disabled:opacity-50"
      >
        <PlusIcon className="size-5" />
        {t('conversations.new')}
      </button>
      <input
        type="search"
        autoComplete="off"
        data-testid="conversation-search"
        value={query}
        onChange={(e) => setQuery(e.target.value)}
        placeholder={t('conversations.search')}
        aria-label={t('conversations.search')}
        className="mb-3 h-11 w-full rounded-xl bg-tg-section-bg px-4 text-[16px] text-tg-text outline-none placeholder:text-tg-hint"
      />
      {failed && <p className="px-1 pb-3 text-[14px] text-tg-destructive">{t('conversations.loadFailed')}</p>}
      {heads && heads.length === 0 && <p className="px-1 pb-3 text-[14px] text-tg-hint">{t('conversations.empty')}</p>}
      {heads && heads.length > 0 && shown.length === 0 && <p className="px-1 pb-3 text-[14px] text-tg-hint">{t('conversations.noMatch')}</p>}
      {shown.length > 0 && (
        <ul className="mb-3 divide-y divide-tg-separator overflow-hidden rounded-xl bg-tg-section-bg" data-testid="conversation-list">
          {shown.map((h) => (
            <li key={h.id} className="flex items-center gap-1 pl-4" data-testid="conversation-item" data-current={h.id === p.currentId}>
              {renaming?.id === h.id ? (
                <form
                  className="flex min-w-0 flex-1 items-center gap-2 py-1.5"
                  onSubmit={(e) => {
                    e.preventDefault();
                    void rename(h, renaming.title);
                  }}
                >
                  <input
                    autoFocus
                    autoComplete="off"
                    data-testid="rename-input"
                    aria-label={t('conversations.renameLabel')}
                    value={renaming.title}
                    onChange={(e) => setRenaming({ id: h.id, title: e.target.value })}
                    className="h-10 min-w-0 flex-1 rounded-[10px] bg-tg-secondary-bg px-3 text-[16px] text-tg-text outline-none"
                  />
                  <button type="submit" data-testid="rename-save" className="min-h-11 px-2 text-[15px] text-tg-link active:opacity-60">
                    {t('conversations.save')}
                  </button>
                </form>
              ) : (
                <>
                  <button
                    type="button"
                    data-testid="conversation-open"
                    disabled={p.busy && h.id !== p.currentId}
                    onClick={() => void p.onOpen(h.id).then((ok) => (ok ? p.onClose() : refresh()))}
                    className="flex min-h-14 min-w-0 flex-1 flex-col items-start justify-center py-2 text-left active:opacity-60 disabled:opacity-50"
                  >
                    <span className="w-full truncate text-[16px] text-tg-text" data-testid="conversation-title">
                      {titleOf(h)}
                    </span>
                    <span className="text-[13px] text-tg-hint">
                      {h.id === p.currentId ? t('conversations.current') : formatDate(h.updatedAt, { dateStyle: 'medium', timeStyle: 'short' })}
                    </span>
                  </button>
                  <button type="button" data-testid="conversation-rename" aria-label={t('conversations.rename', { title: titleOf(h) })} onClick={() => setRenaming({ id: h.id, title: h.title })} className={iconButton}>
                    <PencilIcon />
                  </button>
                  <button type="button" data-testid="conversation-delete" aria-label={t('conversations.delete', { title: titleOf(h) })} disabled={p.busy && h.id === p.currentId} onClick={() => void remove(h)} className={iconButton}>
                    <TrashIcon />
                  </button>
                </>
              )}
            </li>
          ))}
        </ul>
      )}
      <p className="mb-5 px-1 text-[13px] leading-snug text-tg-hint">{t('conversations.privacy')}</p>
      <AnswerLengthPicker value={p.answerLength} onChange={p.onAnswerLength} contextLength={p.contextLength} />
    </Sheet>
  );
}

/** Short, Normal or Long answers: a token budget per answer, bounded by the model's context. */
function AnswerLengthPicker({ value, onChange, contextLength }: { value: AnswerLength; onChange: (l: AnswerLength) => void; contextLength: number | null }) {
  return (
    <section className="mb-2" aria-labelledby="answer-length-title">
      <h3 id="answer-length-title" className="mb-1.5 px-1 text-[13px] tracking-wide text-tg-section-header uppercase">
        {t('conversations.answerLength')}
      </h3>
      <div role="radiogroup" aria-labelledby="answer-length-title" className="flex gap-1 rounded-xl bg-tg-section-bg p-1" data-testid="answer-length">
        {ANSWER_LENGTH_KEYS.map((k) => (
          <button
            key={k}
            type="button"
            role="radio"
            aria-checked={k === value}
            data-testid={`answer-length-${k}`}
            onClick={() => onChange(k)}
            className={`min-h-11 flex-1 rounded-[10px] text-[15px] ${k === value ? 'bg-tg-button text-tg-button-text' : 'text-tg-text active:opacity-60'}`}
          >
            {t(`conversations.length.${k}`)}
          </button>
        ))}
      </div>
      <p className="mt-1.5 px-1 text-[13px] text-tg-hint" data-testid="answer-length-tokens">
        {t('conversations.lengthHint', { tokens: effectiveMaxTokens(value, contextLength), formatted: formatNumber(effectiveMaxTokens(value, contextLength)) })}
      </p>
    </section>
  );
}
