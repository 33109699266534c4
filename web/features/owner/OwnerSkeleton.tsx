import { PushedScreen } from '../../ui/PushedScreen';
import { Skeleton } from '../../ui/Skeleton';

export const OWNER_TITLE = 'My GPUs';

/** The owner screen's outline while its code or its data loads. */
export function OwnerSkeleton({ onBack }: { onBack: (() => void) | null }) {
  return (
    <PushedScreen title={OWNER_TITLE} testId="owner-screen" backTestId="owner-back-button" onBack={onBack} busy>
      <div data-testid="owner-loading" className="pt-5">
        <Skeleton className="mb-5 h-16 rounded-xl" />
        <Skeleton className="mb-5 h-56 rounded-xl" />
        <Skeleton className="h-40 rounded-xl" />
      </div>
    </PushedScreen>
  );
}
