import type { ReactNode } from 'react';
import type { HostVerification } from '../../crypto/api';
import { t } from '../../i18n';
import { CheckIcon, ShieldAlertIcon, ShieldCheckIcon, WarningIcon } from '../../ui/icons';
import { findingsOf, verdictOf, type Tone, type Verdict } from './attestation-findings';

const headline: Record<Verdict, { title: string; body: string; icon: ReactNode; tone: string }> = {
  verified: {
    title: 'attestation.plain.verifiedTitle',
    body: 'attestation.plain.verifiedBody',
    icon: <ShieldCheckIcon className="size-7" />,
    tone: 'bg-success/12 text-success-text',
  },
  simulated: {
    title: 'attestation.plain.simulatedTitle',
    body: 'attestation.plain.simulatedBody',
    icon: <WarningIcon className="size-7" />,
    tone: 'bg-warning text-black',
  },
  failed: {
    title: 'attestation.plain.failedTitle',
    body: 'attestation.plain.failedLead',
    icon: <ShieldAlertIcon className="size-7" />,
    tone: 'bg-tg-destructive/12 text-tg-destructive',
  },
};

const marks: Record<Tone, { icon: ReactNode; tone: string; label: string }> = {
  ok: { icon: <CheckIcon className="size-3.5" />, tone: 'bg-success-text text-white', label: 'attestation.plain.ok' },
  warn: { icon: <WarningIcon className="size-3.5" />, tone: 'bg-warning text-black', label: 'attestation.plain.warn' },
  bad: { icon: <ShieldAlertIcon className="size-3.5" />, tone: 'bg-tg-destructive text-white', label: 'attestation.plain.bad' },
};

/** "What was checked, and what it means": the first thing the attestation sheet says, in plain words. */
export function AttestationPlain({ verification: v }: { verification: HostVerification }) {
  const verdict = verdictOf(v);
  const head = headline[verdict];
  return (
    <section className="mb-5" data-testid="attestation-plain" data-verdict={verdict}>
      <div className={`mb-4 flex gap-3 rounded-xl p-4 ${head.tone}`} data-testid={verdict === 'simulated' ? 'simulated-warning' : 'attestation-verdict'}>
        <span className="shrink-0">{head.icon}</span>
        <div>
          <p className="text-[17px] leading-tight font-bold">{t(head.title)}</p>
          <p className="mt-1 text-[14px] leading-snug">{t(head.body)}</p>
        </div>
      </div>
      <h3 className="mb-1.5 px-4 text-[13px] tracking-wide text-tg-section-header uppercase">{t('attestation.plain.heading')}</h3>
      <ul className="divide-y divide-tg-separator overflow-hidden rounded-xl bg-tg-section-bg">
        {findingsOf(v, Date.now()).map((f) => (
          <li key={f.id} className="flex items-start gap-3 px-4 py-2.5" data-testid="attestation-finding" data-finding={f.id} data-tone={f.tone}>
            <span className={`mt-0.5 flex size-5 shrink-0 items-center justify-center rounded-full ${marks[f.tone].tone}`} role="img" aria-label={t(marks[f.tone].label)}>
              {marks[f.tone].icon}
            </span>
            <p className="min-w-0 flex-1 text-[15px] leading-snug text-tg-text">{f.text}</p>
          </li>
        ))}
      </ul>
    </section>
  );
}
