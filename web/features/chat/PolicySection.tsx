import type { AppliedPolicy } from '../../crypto/api';
import { formatDate, t } from '../../i18n';
import { Row, Section } from '../../ui/Section';
import { shortDigest, timeLeft } from './format';

/** Each policy source's words: attestation.policy.<source>. */
const sourceText = (source: AppliedPolicy['source']): string => t(`attestation.policy.${source}`);

/**
 * Which operator policy the host was verified under (ARCHITECTURE.md, "The confidential path",
 * step 4): its signer and expiry, how many released images it allows, and the simulated TEE.
 */
export function PolicySection({ policy: p }: { policy: AppliedPolicy }) {
  return (
    <Section title={t('attestation.policy.title')}>
      <Row label={t('attestation.policy.label')}>
        <span data-testid="policy-source" data-source={p.source} className={p.source === 'rejected' ? 'text-tg-destructive' : undefined}>
          {sourceText(p.source)}
        </span>
      </Row>
      {p.signerPublicKey && (
        <Row label={t('attestation.policy.signedBy')}>
          <span className="font-mono text-[13px]" data-testid="policy-signer">
            {shortDigest(p.signerPublicKey)}
          </span>
        </Row>
      )}
      {p.expiresAt !== null && (
        <Row label={t('attestation.host.expires')}>
          {`${timeLeft(p.expiresAt, Date.now())} · ${formatDate(p.expiresAt * 1000, { dateStyle: 'medium', timeStyle: 'short' })}`}
        </Row>
      )}
      {p.imageCount !== null && (
        <Row label={t('attestation.policy.images')}>{p.imageCount === 0 ? t('attestation.policy.noAllowlist') : String(p.imageCount)}</Row>
      )}
      {/* A refused policy's reason is on its `policy.signature` check below. */}
      {p.source !== 'rejected' && (
        <Row label={t('attestation.policy.simulated')}>{t(p.allowSimulated ? 'attestation.policy.allowed' : 'attestation.policy.refused')}</Row>
      )}
    </Section>
  );
}
