import type { ReactNode } from 'react';
import { ChevronRightIcon, ShieldAlertIcon, ShieldCheckIcon, WarningIcon } from '../../ui/icons';
import type { HostState } from './use-verified-host';

type BadgeState = 'verifying' | 'verified' | 'simulated' | 'rejected' | 'none' | 'error';

function badgeState(host: HostState | undefined, loading: boolean): BadgeState {
  if (!host) return loading ? 'verifying' : 'error';
  if (host.state === 'none') return 'none';
  if (host.state === 'rejected') return 'rejected';
  return host.host.verification.simulated ? 'simulated' : 'verified';
}

const looks: Record<BadgeState, { tone: string; icon: ReactNode; title: string }> = {
  verifying: { tone: 'bg-tg-section-bg text-tg-hint', icon: <ShieldCheckIcon className="size-5 animate-shimmer" />, title: 'Verifying host enclave…' },
  verified: { tone: 'bg-success/12 text-success', icon: <ShieldCheckIcon className="size-5" />, title: 'Confidential · enclave verified' },
  simulated: { tone: 'bg-warning text-black', icon: <WarningIcon className="size-5" />, title: 'Simulated — not confidential' },
  rejected: { tone: 'bg-tg-destructive/12 text-tg-destructive', icon: <ShieldAlertIcon className="size-5" />, title: 'Attestation failed · sending blocked' },
  none: { tone: 'bg-tg-section-bg text-tg-hint', icon: <ShieldAlertIcon className="size-5" />, title: 'No GPU host online for this model' },
  error: { tone: 'bg-tg-section-bg text-tg-hint', icon: <ShieldAlertIcon className="size-5" />, title: 'Couldn’t load hosts · retrying' },
};

/**
 * The host's attestation state, always on screen. A simulated TEE turns it into a permanent
 * amber warning. Tapping opens the attestation sheet with every check.
 */
export function AttestationBadge({ host, loading, onOpen }: { host: HostState | undefined; loading: boolean; onOpen: () => void }) {
  const state = badgeState(host, loading);
  const look = looks[state];
  const chosen = host && host.state !== 'none' ? host.host : null;
  const detail = !chosen
    ? null
    : state === 'simulated'
      ? 'Dev enclave — prompts are readable by the host'
      : chosen.verification.simulated
        ? `Simulated — not confidential · ${chosen.hostId}`
        : `${chosen.verification.tee.toUpperCase()} · ${chosen.hostId}`;
  return (
    <button
      type="button"
      data-testid="attestation-badge"
      data-state={state}
      data-simulated={chosen?.verification.simulated ? 'true' : 'false'}
      disabled={!chosen}
      onClick={onOpen}
      className={`w-full shrink-0 px-safe text-left transition-colors active:opacity-80 ${look.tone}`}
    >
      <span className="flex items-center gap-2.5 px-4 py-2">
        <span className="shrink-0">{look.icon}</span>
        <span className="flex min-w-0 flex-1 flex-col">
          <span className="truncate text-[14px] leading-tight font-semibold">{look.title}</span>
          {detail && <span className="truncate text-[12px] leading-tight opacity-80">{detail}</span>}
        </span>
        {chosen && <ChevronRightIcon className="size-4 shrink-0 opacity-70" />}
      </span>
    </button>
  );
}
