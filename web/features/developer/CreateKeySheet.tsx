import { useState } from 'react';
import { ApiKeyNameSchema } from '@cocoon/shared/protocol/developer';
import { t } from '../../i18n';
import { haptics } from '../../telegram/haptics';
import { CheckIcon, CopyIcon, WarningIcon } from '../../ui/icons';
import { Section } from '../../ui/Section';
import { Sheet } from '../../ui/Sheet';
import { useCopy } from '../../ui/use-copy';
import { errorText } from './error-text';
import { LimitsFields, parsedLimits, type LimitsText } from './LimitsFields';
import { PrimaryButton } from './PrimaryButton';
import { useCreateApiKey } from './queries';

const noLimits: LimitsText = { daily: '', total: '', perRequest: '' };

/** The new key, once: copy it now. Closing the sheet forgets it; the app never stores it. */
function RevealKey({ secret, name, onDone }: { secret: string; name: string; onDone: () => void }) {
  const { copied, copy } = useCopy(secret);
  return (
    <div data-testid="new-key">
      <div className="mb-4 flex gap-3 rounded-xl bg-warning/15 px-4 py-3 text-[14px] leading-snug text-warning-text">
        <WarningIcon className="mt-0.5 size-5 shrink-0 text-warning" />
        <p>
          {t('developer.reveal.before')}<b>{name}</b>{t('developer.reveal.after')}
        </p>
      </div>
      <Section title={t('developer.reveal.title')}>
        <p data-testid="new-key-secret" className="px-4 py-3 font-mono text-[13px] leading-snug break-all select-all">
          {secret}
        </p>
        <button
          type="button"
          data-testid="copy-key-button"
          onClick={() => void copy()}
          className={`flex w-full items-center justify-center gap-1.5 px-4 py-3 text-[16px] active:opacity-60 ${copied ? 'text-success-text' : 'text-tg-link'}`}
        >
          {copied ? <CheckIcon className="size-5" /> : <CopyIcon className="size-5" />}
          {copied ? t('developer.copied') : t('developer.copyKey')}
        </button>
      </Section>
      <PrimaryButton testId="new-key-done" onClick={onDone}>
        {t('developer.done')}
      </PrimaryButton>
    </div>
  );
}

/** Create a key: a name and optional limits, then the key shown once. */
export function CreateKeySheet({ open, onClose }: { open: boolean; onClose: () => void }) {
  const [name, setName] = useState('');
  const [limits, setLimits] = useState(noLimits);
  const create = useCreateApiKey();
  const close = () => {
    create.reset(); // forgets the key in clear
    setName('');
    setLimits(noLimits);
    onClose();
  };
  const parsed = parsedLimits(limits);
  const validName = ApiKeyNameSchema.safeParse(name).success;
  const submit = () => {
    if (!parsed || !validName) return;
    haptics.tap();
    create.mutate(
      { name: name.trim(), limits: parsed },
      { onSuccess: () => haptics.success(), onError: () => haptics.error() },
    );
  };
  const created = create.data;
  return (
    <Sheet open={open} onClose={close} title={created ? t('developer.keyCreated') : t('developer.newKey')} testId="create-key-sheet">
      {created ? (
        <RevealKey secret={created.secret} name={created.key.name} onDone={close} />
      ) : (
        <>
          <Section title={t('developer.name')}>
            <input
              data-testid="key-name-input"
              autoComplete="off"
              maxLength={64}
              placeholder="e.g. ci-bot"
              aria-label={t('developer.keyName')}
              value={name}
              disabled={create.isPending}
              onChange={(e) => setName(e.target.value)}
              className="h-12 w-full bg-transparent px-4 text-[16px] text-tg-text outline-none placeholder:text-tg-hint"
            />
          </Section>
          <Section title={t('developer.spendingLimits')}>
            <LimitsFields value={limits} onChange={setLimits} disabled={create.isPending} />
          </Section>
          <p className="-mt-3 mb-4 px-4 text-[13px] leading-snug text-tg-hint">
            {t('developer.limitsHint')}
          </p>
          {create.isError && (
            <p data-testid="create-key-error" className="mb-3 px-4 text-[14px] text-tg-destructive">
              {errorText(create.error)}
            </p>
          )}
          <PrimaryButton testId="create-key-submit" onClick={submit} disabled={!validName || !parsed} busy={create.isPending}>
            {t('developer.create')}
          </PrimaryButton>
        </>
      )}
    </Sheet>
  );
}
