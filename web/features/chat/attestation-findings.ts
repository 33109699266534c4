import type { HostVerification } from '../../crypto/api';
import { t } from '../../i18n';
import { friendlyMessage } from './error-messages';
import { timeLeft } from './format';

/** How the verification reads to a person: verified, a development stand-in, or refused. */
export type Verdict = 'verified' | 'simulated' | 'failed';

export const verdictOf = (v: HostVerification): Verdict => (!v.verified ? 'failed' : v.simulated ? 'simulated' : 'verified');

export type Tone = 'ok' | 'warn' | 'bad';

/** One plain-language finding: what was checked, and what it means for the person's messages. */
export interface Finding {
  id: string;
  tone: Tone;
  text: string;
}

/**
 * The checks in words, strongest claim first. A simulated TEE never reads as verified: its
 * findings say the host can read the messages, whatever else passed.
 */
export function findingsOf(v: HostVerification, nowMs: number): Finding[] {
  const verdict = verdictOf(v);
  if (verdict === 'failed') {
    return [{ id: 'failed', tone: 'bad', text: v.error ? friendlyMessage(v.error.code).body : t('attestation.plain.failedBody') }];
  }
  const simulated = verdict === 'simulated';
  const engine = v.engine ? `${v.engine.name} ${v.engine.version}` : null;
  const findings: Finding[] = [
    simulated
      ? { id: 'hardware', tone: 'bad', text: t('attestation.plain.hardwareSimulated') }
      : { id: 'hardware', tone: 'ok', text: t('attestation.plain.hardware', { tee: v.tee.toUpperCase() }) },
    simulated
      ? { id: 'key', tone: 'warn', text: t('attestation.plain.keySimulated') }
      : { id: 'key', tone: 'ok', text: t('attestation.plain.key') },
  ];
  if (engine) {
    const allowed = v.policy?.source === 'signed';
    findings.push({
      id: 'software',
      tone: allowed ? 'ok' : 'warn',
      text: allowed ? t('attestation.plain.softwareAllowed', { engine }) : t('attestation.plain.softwareUnpinned', { engine }),
    });
  }
  findings.push({ id: 'receipt', tone: simulated ? 'warn' : 'ok', text: t(simulated ? 'attestation.plain.receiptSimulated' : 'attestation.plain.receipt') });
  if (v.expiresAt !== null) findings.push({ id: 'fresh', tone: 'ok', text: t('attestation.plain.fresh', { left: timeLeft(v.expiresAt, nowMs) }) });
  return findings;
}
