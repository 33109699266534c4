import { t } from '../../i18n';
import { PushedScreen } from '../../ui/PushedScreen';
import { Skeleton } from '../../ui/Skeleton';

/** The screen's title, once its catalogue is loaded (web/app/Screens.tsx draws the skeleton before). */
export const ownerTitle = (): string => t('owner.title');

/** The owner screen's outline while its code or its data loads. */
export function OwnerSkeleton({ onBack, title = '' }: { onBack: (() => void) | null; title?: string }) {
  return (
    <PushedScreen title={title} testId="owner-screen" backTestId="owner-back-button" onBack={onBack} busy>
      <div data-testid="owner-loading" className="pt-5">
        <Skeleton className="mb-5 h-16 rounded-xl" />
        <Skeleton className="mb-5 h-56 rounded-xl" />
        <Skeleton className="h-40 rounded-xl" />
      </div>
    </PushedScreen>
  );
}
