import type { AppliedPolicy } from '../../crypto/api';
import { Row, Section } from '../../ui/Section';
import { shortDigest, timeLeft } from './format';

const sources: Record<AppliedPolicy['source'], string> = {
  signed: 'Operator-signed',
  rejected: 'Refused · no host can pass',
  unpinned: 'None · dev build, no operator key',
};

/**
 * Which operator policy the host was verified under (ARCHITECTURE.md, "The confidential path",
 * step 4): its signer and expiry, how many released images it allows, and the simulated TEE.
 */
export function PolicySection({ policy: p }: { policy: AppliedPolicy }) {
  return (
    <Section title="Attestation policy">
      <Row label="Policy">
        <span data-testid="policy-source" data-source={p.source} className={p.source === 'rejected' ? 'text-tg-destructive' : undefined}>
          {sources[p.source]}
        </span>
      </Row>
      {p.signerPublicKey && (
        <Row label="Signed by">
          <span className="font-mono text-[13px]" data-testid="policy-signer">
            {shortDigest(p.signerPublicKey)}
          </span>
        </Row>
      )}
      {p.expiresAt !== null && <Row label="Expires">{`${timeLeft(p.expiresAt, Date.now())} · ${new Date(p.expiresAt * 1000).toLocaleString()}`}</Row>}
      {p.imageCount !== null && <Row label="Allowed images">{p.imageCount === 0 ? 'no allowlist' : String(p.imageCount)}</Row>}
      {/* A refused policy's reason is on its `policy.signature` check below. */}
      {p.source !== 'rejected' && <Row label="Simulated TEE">{p.allowSimulated ? 'allowed' : 'refused'}</Row>}
    </Section>
  );
}
