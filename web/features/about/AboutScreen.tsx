import type { ReactNode } from 'react';
import { APP_VERSION } from '../../config';
import { formatDate, t } from '../../i18n';
import { useCopy } from '../../ui/use-copy';
import { CheckIcon, CopyIcon, CrossIcon, MinusIcon } from '../../ui/icons';
import { PushedScreen } from '../../ui/PushedScreen';
import { Row, Section } from '../../ui/Section';
import { Skeleton } from '../../ui/Skeleton';
import { useAttestationPolicy } from '../chat/use-attestation-policy';
import { buildListing, runningBuildHash, type BuildListing } from './build-listing';

/** 64 hex digits in four groups: two lines at 320 px, and easy to read out against another copy. */
const grouped = (hash: string): string => hash.match(/.{16}/g)?.join(' ') ?? hash;

function BuildHash({ hash }: { hash: string }) {
  const { copied, copy } = useCopy(hash);
  return (
    <div className="px-4 py-2.5">
      <div className="flex items-center justify-between gap-3">
        <span className="text-[15px]">{t('about.buildHash')}</span>
        <button
          type="button"
          data-testid="about-copy-hash"
          onClick={() => void copy()}
          className={`-my-2.5 flex min-h-11 items-center gap-1 text-[13px] active:opacity-60 ${copied ? 'text-success-text' : 'text-tg-link'}`}
        >
          {copied ? <CheckIcon className="size-4" /> : <CopyIcon className="size-4" />}
          {copied ? t('about.copied') : t('about.copy')}
        </button>
      </div>
      <p data-testid="about-build-hash" data-hash={hash} className="mt-1 font-mono text-[12px] leading-snug break-words text-tg-hint select-all">
        {grouped(hash)}
      </p>
    </div>
  );
}

const marks = {
  listed: { icon: <CheckIcon className="size-3.5" />, tone: 'bg-success text-white', text: 'about.listed' },
  'not-listed': { icon: <CrossIcon className="size-3.5" />, tone: 'bg-tg-destructive text-white', text: 'about.notListed' },
  unverified: { icon: <MinusIcon className="size-3.5" />, tone: 'bg-tg-hint/40 text-white', text: 'about.unverified' },
};

function ListingRow({ listing }: { listing: BuildListing }) {
  let body: ReactNode;
  if (listing.status === 'checking') body = <Skeleton className="h-5 w-28" />;
  else if (listing.status === 'no-build') body = <span className="text-[15px] text-tg-hint">{t('about.noBuild')}</span>;
  else {
    const mark = marks[listing.status];
    body = (
      <div className="min-w-0">
        <span className="flex items-center gap-2 text-[15px]">
          <span className={`flex size-5 shrink-0 items-center justify-center rounded-full ${mark.tone}`} aria-hidden>
            {mark.icon}
          </span>
          {t(mark.text)}
        </span>
        {listing.status === 'unverified' && <p className="mt-0.5 text-[13px] leading-snug text-tg-hint">{listing.reason}</p>}
      </div>
    );
  }
  return (
    <div className="px-4 py-2.5" data-testid="about-build-status" data-status={listing.status}>
      <span className="mb-1 block text-[13px] text-tg-hint">{t('about.inPolicy')}</span>
      {body}
    </div>
  );
}

/**
 * About / Verify: this build's version and hash, and whether the operator's signed policy lists
 * it, with how to check that from outside the app (README.md, "Verify the app you run").
 */
export function AboutScreen({ onBack }: { onBack: (() => void) | null }) {
  const hash = runningBuildHash();
  const policy = useAttestationPolicy();
  const listing = buildListing(hash, policy.data, policy.isError);
  const signed = listing.status === 'listed' || listing.status === 'not-listed' ? listing : null;
  return (
    <PushedScreen title={t('about.title')} testId="about-screen" backTestId="about-back-button" onBack={onBack}>
      <div className="flex flex-col items-center gap-1 pt-5 pb-6">
        <img src="/icon-180.png" alt="" className="mb-2 size-16 rounded-[22px]" />
        <h2 className="text-[22px] font-semibold">Cocoon</h2>
        <span className="text-[15px] text-tg-hint" data-testid="about-version">
          {t('about.version', { version: APP_VERSION })}
        </span>
      </div>
      <Section title={t('about.thisBuild')}>
        {hash ? <BuildHash hash={hash} /> : <Row label={t('about.buildHash')}>{t('about.none')}</Row>}
        <ListingRow listing={listing} />
      </Section>
      {signed && (
        <Section title={t('about.policy')}>
          <Row label={t('about.sequence')}>
            <span data-testid="about-policy-sequence">{signed.sequence ?? '—'}</span>
          </Row>
          {signed.expiresAt !== null && <Row label={t('about.expires')}>{formatDate(signed.expiresAt * 1000, { dateStyle: 'medium', timeStyle: 'short' })}</Row>}
        </Section>
      )}
      <p className="px-4 text-[13px] leading-snug text-tg-hint">
        {t('about.explainer')} <span className="font-mono">scripts/verify-web-build.ts</span>{t('about.explainerEnd')}
      </p>
    </PushedScreen>
  );
}
