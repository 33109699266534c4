import { t } from '../../i18n';
import { CoinIcon } from '../../ui/icons';
import { creditsText } from './format';

/** The balance is below what one message can cost: said before a message is refused, with Top up. */
export function LowBalanceBanner({ balance, onTopUp }: { balance: bigint; onTopUp: () => void }) {
  return (
    <div
      role="status"
      data-testid="low-balance-banner"
      className="mx-3 mb-2 flex items-center gap-3 rounded-2xl bg-tg-section-bg p-3 shadow-[0_2px_12px_rgb(0_0_0/0.12)]"
    >
      <CoinIcon className="size-6 shrink-0 text-warning-text" />
      <p className="min-w-0 flex-1 text-[14px] leading-snug">
        <span className="font-semibold">{t('chat.lowBalance.title', { balance: creditsText(balance) })}</span>{' '}
        <span className="text-tg-hint">{t('chat.lowBalance.body')}</span>
      </p>
      <button
        type="button"
        data-testid="low-balance-top-up"
        onClick={onTopUp}
        className="min-h-11 shrink-0 rounded-xl bg-tg-button px-4 text-[15px] font-semibold text-tg-button-text active:opacity-80"
      >
        {t('chat.error.topUp')}
      </button>
    </div>
  );
}
