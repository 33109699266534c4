import { useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useState } from 'react';
import type { EnrollmentResponse, Machine } from '@cocoon/shared/protocol/owner';
import { t } from '../../i18n';
import { haptics } from '../../telegram/haptics';
import { CheckIcon, ClockIcon, CopyIcon } from '../../ui/icons';
import { QrCode } from '../../ui/QrCode';
import { Sheet } from '../../ui/Sheet';
import { Skeleton } from '../../ui/Skeleton';
import { Spinner } from '../../ui/Spinner';
import { useCopy } from '../../ui/use-copy';
import { PrimaryButton } from '../developer/PrimaryButton';
import { enrollmentPhase, formatCountdown, type EnrollmentPhase } from './enrollment-state';
import { MachineCard } from './MachineCard';
import { useNow } from './MachinesSection';
import { requestErrorText } from './owner-errors';
import { ownerKeys, useCreateEnrollment, useEnrollmentStatus } from './queries';
import { InlineError } from './ui';

function CommandBlock({ command }: { command: string }) {
  const { copied, copy } = useCopy(command);
  return (
    <div className="overflow-hidden rounded-xl bg-tg-section-bg">
      <pre data-testid="enroll-command" className="px-4 py-3 font-mono text-[13px] leading-relaxed break-all whitespace-pre-wrap select-all">
        {command}
      </pre>
      <button
        type="button"
        data-testid="enroll-command-copy"
        onClick={() => void copy()}
        className={`flex min-h-11 w-full items-center justify-center gap-1.5 border-t border-tg-separator text-[15px] active:bg-tg-hint/10 ${copied ? 'text-success-text' : 'text-tg-link'}`}
      >
        {copied ? <CheckIcon className="size-4" /> : <CopyIcon className="size-4" />}
        {copied ? t('owner.copied') : t('owner.add.copyCommand')}
      </button>
    </div>
  );
}

function Waiting({ enrollment, phase }: { enrollment: EnrollmentResponse; phase: Extract<EnrollmentPhase, { phase: 'waiting' }> }) {
  return (
    <>
      <p className="mb-2 px-1 text-[15px] leading-snug">
        {t('owner.add.instructions')}
      </p>
      <CommandBlock command={enrollment.command} />
      <div className="my-4 flex flex-col items-center gap-2">
        <QrCode text={enrollment.command} label={t('owner.add.qrLabel')} testId="enroll-qr" className="size-44" />
        <p className="text-[13px] text-tg-hint">{t('owner.add.scan')}</p>
      </div>
      <div className="flex items-center gap-3 rounded-xl bg-tg-section-bg px-4 py-3" aria-live="polite" data-testid="enroll-waiting">
        <Spinner className="size-5 text-tg-link" />
        <div className="min-w-0 flex-1">
          <p className="text-[15px] font-medium">{t('owner.add.waiting')}</p>
          <p className="flex items-center gap-1 text-[13px] text-tg-hint tabular-nums" data-testid="enroll-expiry">
            <ClockIcon className="size-3.5" />
            {t('owner.add.expiry', { time: formatCountdown(phase.secondsLeft) })}
          </p>
        </div>
      </div>
    </>
  );
}

interface AddMachineSheetProps {
  open: boolean;
  onClose: () => void;
  machines: Machine[] | undefined;
}

/**
 * Add machine: a one-time enrollment (POST /api/owner/enrollments) shown as one command and its QR
 * code, then a live wait (GET /api/owner/enrollments/:id every 1.5 s) that becomes the new
 * machine's card once it enrolls. Kept while the owner screen is open, so closing the sheet and
 * coming back shows the same command until it is used or expires.
 */
export function AddMachineSheet({ open, onClose, machines }: AddMachineSheetProps) {
  const create = useCreateEnrollment();
  const [enrollment, setEnrollment] = useState<EnrollmentResponse | null>(null);
  const status = useEnrollmentStatus(enrollment?.id ?? null);
  const now = useNow(1000);
  const client = useQueryClient();
  const phase = enrollment ? enrollmentPhase(enrollment, status.data, now) : null;

  const { mutate } = create;
  const make = useCallback(() => mutate(undefined, { onSuccess: (e) => setEnrollment(e), onError: () => haptics.error() }), [mutate]);
  // Opening the sheet makes a command unless one is still waiting to be used.
  const idle = create.isIdle;
  useEffect(() => {
    if (open && enrollment === null && idle) make();
  }, [open, enrollment, idle, make]);

  const enrolledId = phase?.phase === 'enrolled' ? phase.hostId : null;
  const machine = enrolledId ? machines?.find((m) => m.id === enrolledId) : undefined;
  useEffect(() => {
    if (!enrolledId) return;
    haptics.success();
    void client.invalidateQueries({ queryKey: ownerKeys.machines });
  }, [enrolledId, client]);

  const close = () => {
    // A used or expired command is of no use next time: the next opening makes a new one.
    if (phase && phase.phase !== 'waiting') setEnrollment(null);
    create.reset();
    onClose();
  };

  return (
    <Sheet open={open} onClose={close} title={t('owner.add.title')} testId="add-machine-sheet">
      {create.isError && (
        <>
          <InlineError testId="enroll-error">{requestErrorText(create.error)}</InlineError>
          <div className="mt-3">
            <PrimaryButton testId="enroll-retry" onClick={make}>
              {t('owner.retry')}
            </PrimaryButton>
          </div>
        </>
      )}
      {!create.isError && (enrollment === null || create.isPending) && (
        <div data-testid="enroll-loading" aria-busy="true" className="flex flex-col gap-3">
          <Skeleton className="h-4 w-3/4" />
          <Skeleton className="h-24 rounded-xl" />
          <Skeleton className="mx-auto size-44 rounded-xl" />
        </div>
      )}
      {!create.isPending && enrollment && phase?.phase === 'waiting' && <Waiting enrollment={enrollment} phase={phase} />}
      {!create.isPending && phase?.phase === 'expired' && (
        <div data-testid="enroll-expired" className="flex flex-col items-center gap-2 py-4 text-center">
          <ClockIcon className="size-9 text-tg-hint" />
          <p className="text-[17px] font-semibold">{t('owner.add.expired')}</p>
          <p className="text-[14px] leading-snug text-tg-hint">{t('owner.add.expiredBody')}</p>
          <div className="mt-3 w-full">
            <PrimaryButton testId="enroll-new" onClick={make}>
              {t('owner.add.makeNew')}
            </PrimaryButton>
          </div>
        </div>
      )}
      {phase?.phase === 'enrolled' && (
        <div data-testid="enroll-done" aria-live="polite">
          <p className="mb-3 flex items-center gap-2 px-1 text-[17px] font-semibold text-success-text">
            <CheckIcon className="size-5" />
            {t('owner.add.connected')}
          </p>
          {machine ? <MachineCard machine={machine} now={now} /> : <Skeleton className="mb-3 h-40 rounded-xl" />}
          <PrimaryButton testId="enroll-finish" onClick={close}>
            {t('owner.add.done')}
          </PrimaryButton>
        </div>
      )}
    </Sheet>
  );
}
