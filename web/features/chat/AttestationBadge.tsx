import type { ReactNode } from 'react';
import { t } from '../../i18n';
import { ChevronRightIcon, ShieldAlertIcon, ShieldCheckIcon, WarningIcon } from '../../ui/icons';
import type { HostState } from './use-verified-host';

type BadgeState = 'verifying' | 'verified' | 'simulated' | 'rejected' | 'none' | 'error';

function badgeState(host: HostState | undefined, loading: boolean): BadgeState {
  if (!host) return loading ? 'verifying' : 'error';
  if (host.state === 'none') return 'none';
  if (host.state === 'rejected') return 'rejected';
  return host.host.verification.simulated ? 'simulated' : 'verified';
}

/** Each state's colours, icon and words (chat.badge.<state> in web/locales/<locale>/chat.po). */
const looks: Record<BadgeState, { tone: string; icon: ReactNode }> = {
  verifying: { tone: 'bg-tg-section-bg text-tg-hint', icon: <ShieldCheckIcon className="size-5 animate-shimmer" /> },
  verified: { tone: 'bg-success/12 text-success-text', icon: <ShieldCheckIcon className="size-5" /> },
  simulated: { tone: 'bg-warning text-black', icon: <WarningIcon className="size-5" /> },
  rejected: { tone: 'bg-tg-destructive/12 text-tg-destructive', icon: <ShieldAlertIcon className="size-5" /> },
  none: { tone: 'bg-tg-section-bg text-tg-hint', icon: <ShieldAlertIcon className="size-5" /> },
  error: { tone: 'bg-tg-section-bg text-tg-hint', icon: <ShieldAlertIcon className="size-5" /> },
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
      ? t('chat.badge.simulatedDetail')
      : chosen.verification.simulated
        ? t('chat.badge.simulatedHost', { host: chosen.hostId })
        : t('chat.badge.teeHost', { tee: chosen.verification.tee.toUpperCase(), host: chosen.hostId });
  return (
    <button
      type="button"
      data-testid="attestation-badge"
      data-state={state}
      data-simulated={chosen?.verification.simulated ? 'true' : 'false'}
      disabled={!chosen}
      onClick={onOpen}
      className={`min-h-11 w-full shrink-0 px-safe text-left transition-colors active:opacity-80 ${look.tone}`}
    >
      <span className="flex items-center gap-2.5 px-4 py-2">
        <span className="shrink-0">{look.icon}</span>
        <span className="flex min-w-0 flex-1 flex-col">
          {/* Wrapped, never cut: at 320 px the state is the point of the badge. */}
          <span className="text-[14px] leading-tight font-semibold">{t(`chat.badge.${state}`)}</span>
          {detail && <span className="text-[12px] leading-tight [overflow-wrap:anywhere] opacity-90">{detail}</span>}
        </span>
        {chosen && <ChevronRightIcon className="size-4 shrink-0 opacity-70" />}
      </span>
    </button>
  );
}
