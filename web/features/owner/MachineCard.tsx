import type { Machine } from '@cocoon/shared/protocol/owner';
import { formatNumber, t } from '../../i18n';
import { haptics } from '../../telegram/haptics';
import { confirmAction } from '../../telegram/confirm';
import { ChipIcon } from '../../ui/icons';
import { Spinner } from '../../ui/Spinner';
import { localCredits } from '../credits/credit-format';
import { CoefficientEditor } from './CoefficientEditor';
import { requestErrorText } from './owner-errors';
import { compactCount, elapsed, formatTtft, formatUptime, gpuLines, machineLabel, machineStatusView, reliabilityView } from './owner-format';
import { useRemoveMachine, useUpdateMachine } from './queries';
import { InlineError, Pill, Stat } from './ui';

const barClass = { good: 'bg-success', warn: 'bg-warning', off: 'bg-tg-destructive' } as const;

function Reliability({ score, hint }: { score: number; hint: string }) {
  const { percent, tone } = reliabilityView(score);
  return (
    <div className="px-4 py-3" data-testid="machine-reliability" data-score={score}>
      <div className="flex items-baseline justify-between gap-3 text-[15px]">
        <span>{t('owner.machine.reliability')}</span>
        <span className="font-semibold tabular-nums">{percent}</span>
      </div>
      <div className="mt-1.5 h-1.5 overflow-hidden rounded-full bg-tg-hint/20" role="progressbar" aria-label={t('owner.machine.reliabilityScore')} aria-valuemin={0} aria-valuemax={100} aria-valuenow={Math.round(score * 100)}>
        <div className={`h-full rounded-full ${barClass[tone]}`} style={{ width: `${Math.round(score * 100)}%` }} />
      </div>
      <p className="mt-1.5 text-[13px] leading-snug text-tg-hint">{hint}</p>
    </div>
  );
}

/** Everything about one machine: status, hardware, models, price, uptime, work done, reliability, earnings. */
/** Without `onRename` (the new machine shown in Add machine) the card has no Rename and Remove. */
export function MachineCard({ machine, now, onRename }: { machine: Machine; now: number; onRename?: (m: Machine) => void }) {
  const update = useUpdateMachine();
  const remove = useRemoveMachine();
  const status = machineStatusView[machine.status];
  const label = machineLabel(machine);
  const gpus = gpuLines(machine.gpus);
  const { stats, uptime, earnings } = machine;

  const askRemove = async () => {
    haptics.warning();
    const ok = await confirmAction({
      title: t('owner.machine.removeTitle'),
      message: t('owner.machine.removeMessage', { name: label }),
      confirm: t('owner.machine.remove'),
    });
    if (ok) remove.mutate(machine.id, { onSuccess: () => haptics.success(), onError: () => haptics.error() });
  };

  return (
    <article data-testid="machine-card" data-machine-id={machine.id} data-status={machine.status} aria-label={t('owner.machine.label', { name: label })} className="mb-3 divide-y divide-tg-separator overflow-hidden rounded-xl bg-tg-section-bg">
      <header className="flex items-start gap-3 px-4 py-3">
        <span className="flex size-10 shrink-0 items-center justify-center rounded-xl bg-tg-button/15 text-tg-button">
          <ChipIcon className="size-6" />
        </span>
        <div className="min-w-0 flex-1">
          <h4 data-testid="machine-name" className="truncate text-[16px] leading-snug font-semibold" title={machine.id}>
            {label}
          </h4>
          <p className="text-[13px] leading-snug text-tg-hint">
            {t('owner.machine.statusFor', { status: status.label, time: elapsed(machine.statusSince, now) })} · {machine.tee === 'tdx' ? 'Intel TDX' : machine.tee}
          </p>
        </div>
        <Pill tone={status.tone} testId="machine-status" value={machine.status}>
          {status.label}
        </Pill>
      </header>

      <div className="px-4 py-3 text-[15px]" data-testid="machine-gpus">
        {gpus.length > 0 ? gpus.map((g) => <p key={g} className="break-words">{g}</p>) : <p className="text-tg-hint">{t('owner.machine.noGpu')}</p>}
        <p className="mt-0.5 text-[13px] text-tg-hint">
          {t('owner.machine.slots', { active: formatNumber(machine.activeJobs), capacity: formatNumber(machine.capacity) })}
          {machine.agentVersion ? ` · ${t('owner.machine.agent', { version: machine.agentVersion })}` : ''}
        </p>
      </div>

      <dl className="grid grid-cols-3 gap-x-3 gap-y-2.5 px-4 py-3">
        <Stat label={t('owner.machine.uptimeDay')} testId="machine-uptime-day">{formatUptime(uptime.day)}</Stat>
        <Stat label={t('owner.machine.uptimeWeek')}>{formatUptime(uptime.week)}</Stat>
        <Stat label={t('owner.machine.uptimeMonth')}>{formatUptime(uptime.month)}</Stat>
        <Stat label={t('owner.machine.jobs')} testId="machine-jobs">{compactCount(stats.jobs)}</Stat>
        <Stat label={t('owner.machine.failures')}>{compactCount(stats.failures)}</Stat>
        <Stat label={t('owner.machine.firstToken')}>{formatTtft(stats.medianTtftMs)}</Stat>
        <Stat label={t('owner.machine.tokensIn')}>{compactCount(stats.promptTokens)}</Stat>
        <Stat label={t('owner.machine.tokensOut')}>{compactCount(stats.completionTokens)}</Stat>
        <Stat label={t('owner.machine.earned')} testId="machine-earned">{localCredits(earnings.total)}</Stat>
      </dl>
      {earnings.promotional > 0n && (
        <p className="px-4 py-2 text-[13px] leading-snug text-tg-hint">{t('owner.machine.promotional', { amount: localCredits(earnings.promotional) })}</p>
      )}

      <Reliability score={machine.reliability.score} hint={machine.reliability.hint} />

      <div className="px-4 py-3" data-testid="machine-models">
        <p className="mb-1 text-[15px]">{t('owner.machine.models')}</p>
        {machine.models.length === 0 && <p className="text-[13px] text-tg-hint">{t('owner.machine.noModels')}</p>}
        {machine.models.map((m) => (
          <p key={m.model} className="flex flex-wrap items-baseline justify-between gap-x-3 text-[13px]">
            <span className="min-w-0 font-mono break-all">{m.model}</span>
            <span className="text-tg-hint tabular-nums">
              {t('owner.machine.modelPrice', { prompt: localCredits(m.price.promptPerMillion), completion: localCredits(m.price.completionPerMillion) })}
            </span>
          </p>
        ))}
      </div>

      <CoefficientEditor
        machineId={machine.id}
        milli={machine.priceCoefficientMilli}
        saving={update.isPending}
        error={update.isError ? requestErrorText(update.error) : null}
        onSave={(priceCoefficientMilli) => update.mutateAsync({ id: machine.id, update: { priceCoefficientMilli } }).then(() => haptics.success())}
      />

      {onRename && (
        <div className="flex">
          <button type="button" data-testid="machine-rename" onClick={() => onRename(machine)} className="min-h-11 flex-1 px-4 py-3 text-left text-[16px] text-tg-link active:bg-tg-hint/10">
            {t('owner.machine.rename')}
          </button>
          <button
            type="button"
            data-testid="machine-remove"
            disabled={remove.isPending}
            onClick={() => void askRemove()}
            className="flex min-h-11 items-center gap-2 px-4 py-3 text-[16px] text-tg-destructive active:bg-tg-hint/10 disabled:opacity-50"
          >
            {remove.isPending && <Spinner />}
            {t('owner.machine.remove')}
          </button>
        </div>
      )}
      {remove.isError && (
        <div className="px-3 pb-3">
          <InlineError>{requestErrorText(remove.error)}</InlineError>
        </div>
      )}
    </article>
  );
}
