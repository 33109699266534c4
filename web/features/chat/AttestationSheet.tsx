import type { HostVerification } from '../../crypto/api';
import { t } from '../../i18n';
import { Sheet } from '../../ui/Sheet';
import { usePrefetch } from './lazy-module';
import { LazyPart } from './LazyPart';
import { chatSheets } from './sheets-module';

interface AttestationSheetProps {
  open: boolean;
  onClose: () => void;
  hostId: string;
  verification: HostVerification;
}

/** What the crypto worker verified about the host; the details come in the sheets' chunk (chat-sheets.ts). */
export function AttestationSheet({ open, onClose, hostId, verification }: AttestationSheetProps) {
  usePrefetch(chatSheets);
  return (
    <Sheet open={open} onClose={onClose} title={t('chat.attestation.title')} testId="attestation-sheet">
      <LazyPart module={chatSheets}>{(m) => <m.AttestationDetails hostId={hostId} verification={verification} />}</LazyPart>
    </Sheet>
  );
}
