import { isCocoonError } from '@cocoon/shared/errors';
import { NetworkError } from '../../api/http';

const generic = 'Something went wrong. Please try again.';

/** A failed write on the owner screens (rename, coefficient, remove, settings, Add machine) in plain words. */
export function requestErrorText(e: unknown): string {
  if (e instanceof NetworkError) return 'The server could not be reached. Check your connection and try again.';
  if (!isCocoonError(e)) return generic;
  switch (e.code) {
    case 'host.not_found':
      return 'This machine is no longer yours or was removed.';
    case 'owner.no_payout_wallet':
      return 'Connect a payout wallet first.';
    case 'protocol.malformed_message':
      return 'Check what you entered.';
    case 'rate_limited':
      return e.retryAfterS ? `Too many requests. Try again in ${e.retryAfterS} s.` : 'Too many requests. Please wait a moment and try again.';
    default:
      return generic;
  }
}

/** A failed quote or withdrawal in plain words, by the broker's stable code. */
export function payoutErrorText(e: unknown): string {
  if (e instanceof NetworkError) return 'The server could not be reached. Check your connection and try again: the same request is sent, so it is never paid twice.';
  if (!isCocoonError(e)) return generic;
  switch (e.code) {
    case 'payout.below_minimum':
      return 'This is below the smallest withdrawal. Withdraw a larger amount.';
    case 'payout.insufficient':
      return 'This is more than you can withdraw right now. Your withdrawable balance may have changed: check it and try again.';
    case 'owner.no_payout_wallet':
      return 'Connect a payout wallet first: the TON is sent to it.';
    case 'rate_limited':
      return e.retryAfterS ? `Too many requests. Try again in ${e.retryAfterS} s.` : 'Too many requests. Please wait a moment and try again.';
    case 'payout.chain_unavailable':
      return 'The TON network could not be reached. Your withdrawal is recorded and will be sent when it is back.';
    default:
      return generic;
  }
}
