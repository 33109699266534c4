import type { z } from 'zod';
import type { ModelsResponseSchema } from '@cocoon/shared/protocol/api';
import { t } from '../../i18n';
import { haptics } from '../../telegram/haptics';
import { ChevronDownIcon } from '../../ui/icons';
import { Skeleton } from '../../ui/Skeleton';
import { pricePer1K } from './format';

export type ModelInfo = z.output<typeof ModelsResponseSchema>['models'][number];

interface ModelPickerProps {
  models: ModelInfo[] | undefined;
  value: string | null;
  onChange: (model: string) => void;
  disabled: boolean;
}

/**
 * The model and its price per 1K tokens. A native <select> lies over the custom face: phones then
 * show their own picker, and tests can `selectOption` on `model-picker`.
 */
export function ModelPicker({ models, value, onChange, disabled }: ModelPickerProps) {
  if (!models) return <Skeleton className="h-9 w-44" />;
  const current = models.find((m) => m.name === value);
  return (
    <div className="relative min-w-0 flex-1">
      <div className="flex min-w-0 flex-col">
        {/* At 320 px a long name wraps to two lines rather than shrinking to "1…". */}
        <span className="flex min-w-0 items-center gap-1 text-[17px] leading-tight font-semibold max-[360px]:text-[15px] max-[360px]:leading-[18px]">
          <span className="line-clamp-2 [overflow-wrap:anywhere]" data-testid="model-name">
            {current?.name ?? t('chat.model.none')}
          </span>
          <ChevronDownIcon className="size-4 shrink-0 text-tg-hint" />
        </span>
        <span className="truncate text-[13px] leading-tight text-tg-hint">
          {current
            ? t('chat.model.price', { in: pricePer1K(current.price.promptPerMillion), out: pricePer1K(current.price.completionPerMillion) })
            : t('chat.model.noHosts')}
        </span>
      </div>
      <select
        data-testid="model-picker"
        aria-label={t('chat.model.label')}
        className="absolute inset-0 size-full cursor-pointer opacity-0 disabled:cursor-default"
        value={value ?? ''}
        disabled={disabled || models.length === 0}
        onChange={(e) => {
          haptics.select();
          onChange(e.target.value);
        }}
      >
        {models.map((m) => (
          <option key={m.name} value={m.name} disabled={m.hostCount === 0}>
            {t(m.hostCount === 0 ? 'chat.model.optionOffline' : 'chat.model.option', {
              name: m.name,
              in: pricePer1K(m.price.promptPerMillion),
              out: pricePer1K(m.price.completionPerMillion),
            })}
          </option>
        ))}
      </select>
    </div>
  );
}
