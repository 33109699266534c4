import type { HostVerification } from '../../crypto/api';
import { t } from '../../i18n';
import { Row, Section } from '../../ui/Section';
import { useCopy } from '../../ui/use-copy';
import { shortDigest } from './format';

/** A measurement, shortened; tapping copies the whole value (auditors compare it with a release). */
function CopyableHex({ name, hex }: { name: string; hex: string }) {
  const { copied, copy } = useCopy(hex, 1200);
  return (
    <button type="button" onClick={() => void copy()} className="w-full text-left active:bg-tg-secondary-bg" data-testid="measurement" data-name={name}>
      <Row label={name}>
        <span className="font-mono text-[12px]">{copied ? t('attestation.evidence.copied') : shortDigest(hex)}</span>
      </Row>
    </button>
  );
}

/** TCB status, measurements and GPUs: what the hardware evidence itself says about the host. */
export function EvidenceSections({ verification: v }: { verification: HostVerification }) {
  const measured = Object.entries(v.measurements).filter(([, hex]) => /^[0-9a-f]+$/.test(hex));
  return (
    <>
      {(v.tcbStatus || v.image) && (
        <Section title={t('attestation.evidence.platform')}>
          {v.tcbStatus && (
            <Row label={t('attestation.evidence.tcb')}>
              <span data-testid="tcb-status">{v.tcbStatus}</span>
            </Row>
          )}
          {v.image && <Row label={t('attestation.evidence.image')}>{v.image}</Row>}
        </Section>
      )}
      {measured.length > 0 && (
        <Section title={t('attestation.evidence.measurements')}>
          {measured.map(([name, hex]) => (
            <CopyableHex key={name} name={name} hex={hex} />
          ))}
        </Section>
      )}
      {v.gpus.length > 0 && (
        <Section title={t('attestation.evidence.gpus')}>
          {v.gpus.map((g, i) => (
            <Row key={i} label={g.device.replace(/^CN=/, '').split(',')[0] ?? t('attestation.evidence.gpu', { n: i })}>
              {[g.vbiosVersion && `VBIOS ${g.vbiosVersion}`, g.driverVersion && t('attestation.evidence.driver', { version: g.driverVersion })].filter(Boolean).join(' · ') ||
                t('attestation.evidence.attested')}
            </Row>
          ))}
        </Section>
      )}
    </>
  );
}
