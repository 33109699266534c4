import { useState } from 'react';
import type { ApiKey } from '@cocoon/shared/protocol/developer';
import { formatCredits } from '@cocoon/shared/pricing';
import { haptics } from '../../telegram/haptics';
import { Section } from '../../ui/Section';
import { t } from '../../i18n';
import { Sheet } from '../../ui/Sheet';
import { errorText } from './error-text';
import { LimitsFields, parsedLimits, type LimitsText } from './LimitsFields';
import { PrimaryButton } from './PrimaryButton';
import { useUpdateApiKeyLimits } from './queries';

const asText = (micro: bigint | null): string => (micro === null ? '' : formatCredits(micro));

function LimitsForm({ apiKey, onDone }: { apiKey: ApiKey; onDone: () => void }) {
  const [limits, setLimits] = useState<LimitsText>({ daily: asText(apiKey.limits.daily), total: asText(apiKey.limits.total), perRequest: asText(apiKey.limits.perRequest) });
  const update = useUpdateApiKeyLimits();
  const parsed = parsedLimits(limits);
  return (
    <>
      <Section title={t('developer.limitsOf', { name: apiKey.name })}>
        <LimitsFields value={limits} onChange={setLimits} disabled={update.isPending} />
      </Section>
      {update.isError && <p className="mb-3 px-4 text-[14px] text-tg-destructive">{errorText(update.error)}</p>}
      <PrimaryButton
        testId="save-limits-button"
        disabled={!parsed}
        busy={update.isPending}
        onClick={() => {
          if (!parsed) return;
          const onSuccess = () => {
            haptics.success();
            onDone();
          };
          update.mutate({ keyId: apiKey.id, limits: parsed }, { onSuccess, onError: () => haptics.error() });
        }}
      >
        {t('developer.saveLimits')}
      </PrimaryButton>
    </>
  );
}

/** Changes a key's spending limits; the next request is checked against the new ones. */
export function LimitsSheet({ apiKey, onClose }: { apiKey: ApiKey | null; onClose: () => void }) {
  return (
    <Sheet open={apiKey !== null} onClose={onClose} title={t('developer.spendingLimits')} testId="limits-sheet">
      {apiKey && <LimitsForm key={apiKey.id} apiKey={apiKey} onDone={onClose} />}
    </Sheet>
  );
}
