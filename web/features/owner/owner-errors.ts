import { isCocoonError } from '@cocoon/shared/errors';
import { NetworkError } from '../../api/http';
import { t } from '../../i18n';

const generic = (): string => t('owner.error.generic');
const tooMany = (retryAfterS: number | undefined): string => (retryAfterS ? t('owner.error.rateLimitedIn', { seconds: retryAfterS }) : t('owner.error.rateLimited'));

/** A failed write on the owner screens (rename, coefficient, remove, settings, Add machine) in plain words. */
export function requestErrorText(e: unknown): string {
  if (e instanceof NetworkError) return t('owner.error.network');
  if (!isCocoonError(e)) return generic();
  switch (e.code) {
    case 'host.not_found':
      return t('owner.error.hostNotFound');
    case 'owner.no_payout_wallet':
      return t('owner.error.noWallet');
    case 'protocol.malformed_message':
      return t('owner.error.malformed');
    case 'rate_limited':
      return tooMany(e.retryAfterS);
    default:
      return generic();
  }
}

/** A failed quote or withdrawal in plain words, by the broker's stable code. */
export function payoutErrorText(e: unknown): string {
  if (e instanceof NetworkError) return t('owner.error.payoutNetwork');
  if (!isCocoonError(e)) return generic();
  switch (e.code) {
    case 'payout.below_minimum':
      return t('owner.error.belowMinimum');
    case 'payout.insufficient':
      return t('owner.error.insufficient');
    case 'owner.no_payout_wallet':
      return t('owner.error.noWalletPayout');
    case 'rate_limited':
      return tooMany(e.retryAfterS);
    case 'payout.chain_unavailable':
      return t('owner.error.chainUnavailable');
    default:
      return generic();
  }
}
