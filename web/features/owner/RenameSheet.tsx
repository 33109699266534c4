import { useState } from 'react';
import { MachineUpdateRequestSchema, type Machine } from '@cocoon/shared/protocol/owner';
import { t } from '../../i18n';
import { haptics } from '../../telegram/haptics';
import { Sheet } from '../../ui/Sheet';
import { PrimaryButton } from '../developer/PrimaryButton';
import { requestErrorText } from './owner-errors';
import { machineLabel } from './owner-format';
import { useUpdateMachine } from './queries';
import { InlineError } from './ui';

function RenameForm({ machine, onDone }: { machine: Machine; onDone: () => void }) {
  const update = useUpdateMachine();
  const [name, setName] = useState(machine.name ?? '');
  // The broker's own rule for a name (1–48 characters, no control characters), checked before sending.
  const valid = MachineUpdateRequestSchema.safeParse({ name }).success;
  const save = () => {
    if (!valid) return;
    haptics.tap();
    update.mutate({ id: machine.id, update: { name: name.trim() } }, { onSuccess: () => (haptics.success(), onDone()), onError: () => haptics.error() });
  };
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        save();
      }}
    >
      <label htmlFor="machine-name-input" className="mb-1.5 block px-1 text-[13px] text-tg-hint">
        {t('owner.rename.hint')}
      </label>
      <input
        id="machine-name-input"
        data-testid="machine-name-input"
        autoComplete="off"
        maxLength={48}
        value={name}
        placeholder={machineLabel({ id: machine.id, name: null })}
        onChange={(e) => setName(e.target.value)}
        className="h-12 w-full rounded-xl bg-tg-section-bg px-4 text-[16px] outline-none focus:ring-2 focus:ring-tg-button"
      />
      {name.length > 0 && !valid && <InlineError>{t('owner.rename.invalid')}</InlineError>}
      {update.isError && <InlineError>{requestErrorText(update.error)}</InlineError>}
      <div className="mt-4">
        <PrimaryButton testId="machine-name-save" disabled={!valid} busy={update.isPending} onClick={save}>
          {t('owner.rename.save')}
        </PrimaryButton>
      </div>
    </form>
  );
}

/** Renames a machine (PATCH /api/owner/machines/:id). */
export function RenameSheet({ machine, onClose }: { machine: Machine | null; onClose: () => void }) {
  return (
    <Sheet open={machine !== null} onClose={onClose} title={t('owner.rename.title')} testId="rename-machine-sheet">
      {machine && <RenameForm key={machine.id} machine={machine} onDone={onClose} />}
    </Sheet>
  );
}
