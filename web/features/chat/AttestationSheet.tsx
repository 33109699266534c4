import type { HostVerification } from '../../crypto/api';
import { ShieldAlertIcon, ShieldCheckIcon, WarningIcon } from '../../ui/icons';
import { Row, Section } from '../../ui/Section';
import { Sheet } from '../../ui/Sheet';
import { CheckRow } from './CheckRow';
import { EvidenceSections } from './EvidenceSections';
import { friendlyMessage } from './error-messages';
import { shortDigest, timeLeft } from './format';
import { PolicySection } from './PolicySection';

interface AttestationSheetProps {
  open: boolean;
  onClose: () => void;
  hostId: string;
  verification: HostVerification;
}

/** A warning that cannot be read past: a simulated TEE proves nothing about confidentiality. */
function SimulatedWarning() {
  return (
    <div className="mb-5 flex gap-3 rounded-xl bg-warning p-4 text-black" data-testid="simulated-warning">
      <WarningIcon className="mt-0.5 size-6 shrink-0" />
      <div>
        <p className="text-[16px] font-bold">Simulated — not confidential</p>
        <p className="mt-1 text-[14px] leading-snug">
          This host runs a development stand-in for a TEE, signed by a public dev key. Whoever operates it can read your prompts and
          answers. Use it for testing only.
        </p>
      </div>
    </div>
  );
}

function Verdict({ verification }: { verification: HostVerification }) {
  const failed = !verification.verified;
  const message = verification.error ? friendlyMessage(verification.error.code) : null;
  return (
    <div className="mb-5 flex flex-col items-center px-4 pt-2 text-center">
      <span className={`mb-3 flex size-16 items-center justify-center rounded-full ${failed ? 'bg-tg-destructive/12 text-tg-destructive' : 'bg-success/12 text-success'}`}>
        {failed ? <ShieldAlertIcon className="size-9" /> : <ShieldCheckIcon className="size-9" />}
      </span>
      <p className="text-[20px] font-semibold">{failed ? 'Verification failed' : 'Enclave verified'}</p>
      <p className="mt-1 text-[14px] leading-snug text-tg-hint">
        {failed
          ? (message?.body ?? 'This host did not pass every check.')
          : 'Your messages are sealed on this device to this enclave’s key, checked against its attestation.'}
      </p>
    </div>
  );
}

/** Everything the crypto worker verified about the host: each check, the claims, the policy, the expiry. */
export function AttestationSheet({ open, onClose, hostId, verification: v }: AttestationSheetProps) {
  return (
    <Sheet open={open} onClose={onClose} title="Attestation" testId="attestation-sheet">
      {v.simulated && <SimulatedWarning />}
      <Verdict verification={v} />
      <Section title="Host">
        <Row label="Host ID">
          <span className="font-mono text-[13px]">{v.hostId ?? hostId}</span>
        </Row>
        <Row label="TEE">{v.simulated ? 'Simulated (dev)' : v.tee.toUpperCase()}</Row>
        {v.engine && (
          <>
            <Row label="Engine">
              {v.engine.name} {v.engine.version}
              {v.engine.allowedAs && <span className="text-tg-hint"> · allowed as “{v.engine.allowedAs}”</span>}
            </Row>
            <Row label="Engine image">
              <span className="font-mono text-[13px]">{shortDigest(v.engine.imageDigest.replace(/^sha256:/, ''))}</span>
            </Row>
          </>
        )}
        <Row label="Expires">{v.expiresAt ? `${timeLeft(v.expiresAt, Date.now())} · ${new Date(v.expiresAt * 1000).toLocaleString()}` : 'unknown'}</Row>
        {v.bundleDigest && (
          <Row label="Bundle">
            <span className="font-mono text-[13px]">{shortDigest(v.bundleDigest)}</span>
          </Row>
        )}
      </Section>
      {v.models.length > 0 && (
        <Section title="Models">
          {v.models.map((m) => (
            <Row key={m.name} label={m.name}>
              <span className="font-mono text-[12px]">{shortDigest(m.weightsDigest)}</span>
            </Row>
          ))}
        </Section>
      )}
      {v.policy && <PolicySection policy={v.policy} />}
      <EvidenceSections verification={v} />
      <Section title={`Checks · ${v.checks.filter((c) => c.ok && !c.skipped).length} of ${v.checks.length} passed`}>
        {v.checks.map((c, i) => (
          <CheckRow key={`${c.name}-${i}`} check={c} />
        ))}
      </Section>
      {!v.verified && v.hostId === null && <p className="px-4 text-[13px] text-tg-hint">The host’s claims could not be read.</p>}
    </Sheet>
  );
}
