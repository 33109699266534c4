import type { ReactNode } from 'react';
import { t } from '../../../i18n';
import { haptics } from '../../../telegram/haptics';
import { openExternal } from '../../../telegram/confirm';
import { isBareLink, safeLink } from './links';

/**
 * A link in an answer: only http(s), opened through Telegram's openLink (the browser outside
 * Telegram), with the domain it goes to shown after its text, or alone for a bare URL. Any other
 * target (`javascript:`, `data:`, relative) leaves just the text.
 */
export function AnswerLink({ href, text, children }: { href: string | null; text: string; children: ReactNode }) {
  const link = safeLink(href);
  if (!link) return <span data-testid="answer-link-text">{children}</span>;
  const bare = isBareLink(text, link.url);
  return (
    <a
      href={link.url}
      target="_blank"
      rel="noopener noreferrer nofollow"
      referrerPolicy="no-referrer"
      onClick={(e) => {
        e.preventDefault();
        haptics.tap();
        openExternal(link.url);
      }}
      className="break-words text-tg-link underline decoration-1 underline-offset-2"
      data-testid="answer-link"
      data-domain={link.domain}
    >
      {!bare && <>{children} </>}
      <span className="whitespace-nowrap text-[0.85em]" data-testid="answer-link-domain">
        {link.domain} ↗
      </span>
    </a>
  );
}

/** An image in an answer, as text: loading it would send the answer's words to the image's server. */
export function ImageAsText({ alt, src }: { alt: string; src: string | null }) {
  return (
    <span className="mx-0.5 inline rounded-md border border-dashed border-tg-hint px-1.5 py-0.5 text-[0.9em]" title={t('answers.image.why')} data-testid="answer-image">
      {alt.trim() ? t('answers.image.named', { alt: alt.trim() }) : t('answers.image.unnamed')}
      {src && (
        <>
          {' '}
          <span className="font-mono text-[0.85em] break-all" data-testid="answer-image-url">
            {src}
          </span>
        </>
      )}
    </span>
  );
}
