import { t } from '../../i18n';
import { haptics } from '../../telegram/haptics';
import { BellIcon } from '../../ui/icons';
import { requestErrorText } from './owner-errors';
import { useSetNotifications } from './queries';
import { InlineError } from './ui';

/** The bot's messages to the owner: a machine offline for 5 minutes, back online, a payout sent. */
export function NotificationsSection({ enabled }: { enabled: boolean }) {
  const set = useSetNotifications();
  const shown = set.isPending && set.variables !== undefined ? set.variables : enabled;
  return (
    <section className="mb-5">
      <div className="overflow-hidden rounded-xl bg-tg-section-bg">
        <label data-testid="owner-notifications-toggle" className="flex min-h-11 cursor-pointer items-center gap-3 px-4 py-3">
          <BellIcon className="size-6 shrink-0 text-tg-hint" aria-hidden="true" />
          <span className="min-w-0 flex-1">
            <span className="block text-[16px]">{t('owner.notifications.title')}</span>
            <span className="block text-[13px] leading-snug text-tg-hint">{t('owner.notifications.body')}</span>
          </span>
          <input
            type="checkbox"
            role="switch"
            data-testid="owner-notifications"
            checked={shown}
            aria-checked={shown}
            disabled={set.isPending}
            onChange={(e) => {
              haptics.select();
              set.mutate(e.target.checked, { onError: () => haptics.error() });
            }}
            className="peer sr-only"
          />
          <span
            aria-hidden
            className="relative h-[31px] w-[51px] shrink-0 rounded-full bg-tg-hint/30 transition peer-checked:bg-success peer-focus-visible:ring-2 peer-focus-visible:ring-tg-button after:absolute after:top-0.5 after:left-0.5 after:size-[27px] after:rounded-full after:bg-white after:shadow after:transition peer-checked:after:translate-x-5"
          />
        </label>
      </div>
      {set.isError && <InlineError>{requestErrorText(set.error)}</InlineError>}
    </section>
  );
}
