import type { HostVerification } from '../../crypto/api';
import { formatDate, t } from '../../i18n';
import { ChevronRightIcon } from '../../ui/icons';
import { Row, Section } from '../../ui/Section';
import { AttestationPlain } from './AttestationPlain';
import { CheckRow } from './CheckRow';
import { EvidenceSections } from './EvidenceSections';
import { shortDigest, timeLeft } from './format';
import { PolicySection } from './PolicySection';

export interface AttestationDetailsProps {
  hostId: string;
  verification: HostVerification;
}

const dateTime = (unixS: number) => formatDate(unixS * 1000, { dateStyle: 'medium', timeStyle: 'short' });

/** The host, its models, policy, evidence and every check by name: for those who compare them. */
function Technical({ hostId, verification: v }: AttestationDetailsProps) {
  const passed = v.checks.filter((c) => c.ok && !c.skipped).length;
  return (
    <>
      <Section title={t('attestation.host.title')}>
        <Row label={t('attestation.host.id')}>
          <span className="font-mono text-[13px]">{v.hostId ?? hostId}</span>
        </Row>
        <Row label={t('attestation.host.tee')}>{v.simulated ? t('attestation.host.teeSimulated') : v.tee.toUpperCase()}</Row>
        {v.engine && (
          <>
            <Row label={t('attestation.host.engine')}>
              {v.engine.name} {v.engine.version}
              {v.engine.allowedAs && <span className="text-tg-hint"> · {t('attestation.host.allowedAs', { name: v.engine.allowedAs })}</span>}
            </Row>
            <Row label={t('attestation.host.image')}>
              <span className="font-mono text-[13px]">{shortDigest(v.engine.imageDigest.replace(/^sha256:/, ''))}</span>
            </Row>
          </>
        )}
        <Row label={t('attestation.host.expires')}>
          {v.expiresAt ? `${timeLeft(v.expiresAt, Date.now())} · ${dateTime(v.expiresAt)}` : t('attestation.host.unknown')}
        </Row>
        {v.bundleDigest && (
          <Row label={t('attestation.host.bundle')}>
            <span className="font-mono text-[13px]">{shortDigest(v.bundleDigest)}</span>
          </Row>
        )}
      </Section>
      {v.models.length > 0 && (
        <Section title={t('attestation.models')}>
          {v.models.map((m) => (
            <Row key={m.name} label={m.name}>
              <span className="font-mono text-[12px]">{shortDigest(m.weightsDigest)}</span>
            </Row>
          ))}
        </Section>
      )}
      {v.policy && <PolicySection policy={v.policy} />}
      <EvidenceSections verification={v} />
      <Section title={t('attestation.checks', { passed, total: v.checks.length })}>
        {v.checks.map((c, i) => (
          <CheckRow key={`${c.name}-${i}`} check={c} />
        ))}
      </Section>
      {!v.verified && v.hostId === null && <p className="px-4 text-[13px] text-tg-hint">{t('attestation.unreadable')}</p>}
    </>
  );
}

/**
 * What the crypto worker verified about the host: in plain words first (AttestationPlain), then,
 * one tap deeper, each check by its code with the claims, the policy and the evidence.
 */
export function AttestationDetails(props: AttestationDetailsProps) {
  return (
    <>
      <AttestationPlain verification={props.verification} />
      <details className="group mb-2" data-testid="attestation-technical">
        <summary className="mb-3 flex min-h-11 cursor-pointer list-none items-center justify-between rounded-xl bg-tg-section-bg px-4 text-[15px] text-tg-link [&::-webkit-details-marker]:hidden">
          {t('attestation.technical')}
          <ChevronRightIcon className="size-4 transition-transform group-open:rotate-90" />
        </summary>
        <Technical {...props} />
      </details>
    </>
  );
}
