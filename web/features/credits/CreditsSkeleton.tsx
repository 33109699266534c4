import { Skeleton } from '../../ui/Skeleton';
import { CreditsLayout } from './CreditsLayout';

/** The Credits screen's outline while its code loads. */
export function CreditsSkeleton({ onBack }: { onBack: (() => void) | null }) {
  return (
    <CreditsLayout title="" onBack={onBack} busy>
      <div className="flex flex-col items-center gap-3 pt-5 pb-6">
        <Skeleton className="size-16 rounded-[22px]" />
        <Skeleton className="h-10 w-36" />
        <Skeleton className="h-4 w-16" />
      </div>
      <Skeleton className="mb-5 h-44 rounded-xl" />
      <Skeleton className="mb-5 h-16 rounded-xl" />
      <Skeleton className="h-40 rounded-xl" />
    </CreditsLayout>
  );
}
