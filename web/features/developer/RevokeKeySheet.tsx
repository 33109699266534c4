import type { ApiKey } from '@cocoon/shared/protocol/developer';
import { haptics } from '../../telegram/haptics';
import { t } from '../../i18n';
import { Sheet } from '../../ui/Sheet';
import { errorText } from './error-text';
import { PrimaryButton } from './PrimaryButton';
import { useRevokeApiKey } from './queries';

/** Asks before revoking: a revoked key stops working at once, for good. */
export function RevokeKeySheet({ apiKey, onClose }: { apiKey: ApiKey | null; onClose: () => void }) {
  const revoke = useRevokeApiKey();
  const close = () => {
    revoke.reset();
    onClose();
  };
  return (
    <Sheet open={apiKey !== null} onClose={close} title={t('developer.revokeTitle')} testId="revoke-key-sheet">
      {apiKey && (
        <>
          <p className="mb-4 px-1 text-[15px] leading-snug">
            {t('developer.revokeBefore')}<b>{apiKey.name}</b> (<span className="font-mono text-[13px]">{apiKey.prefix}…</span>){t('developer.revokeAfter')}
          </p>
          {revoke.isError && <p className="mb-3 px-1 text-[14px] text-tg-destructive">{errorText(revoke.error)}</p>}
          <PrimaryButton
            testId="revoke-key-confirm"
            destructive
            busy={revoke.isPending}
            onClick={() => {
              haptics.warning();
              revoke.mutate(apiKey.id, { onSuccess: close, onError: () => haptics.error() });
            }}
          >
            {t('developer.revokeTitle')}
          </PrimaryButton>
        </>
      )}
    </Sheet>
  );
}
