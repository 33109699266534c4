import { useTonConnectUI } from '@tonconnect/ui-react';
import { useCallback, useReducer } from 'react';
import { TOPUP_POLL_MS } from '../../config';
import { useCredits, useHistory } from '../../api/payment-queries';
import { useMe } from '../../api/queries';
import { useBackButton } from '../../telegram/hooks';
import { TonConnectProvider } from '../../ton/TonConnectProvider';
import { useProvenTonWallet } from '../../ton/use-proven-wallet';
import { BalanceHero } from './BalanceHero';
import { CreditsLayout } from './CreditsLayout';
import { HistorySection } from './HistorySection';
import { PackList } from './PackList';
import { WalletSection } from './WalletSection';
import { idleTopUp, isBusy, topUpReducer } from './topup-state';
import { TopUpStatus } from './TopUpStatus';
import { useStarsPurchase } from './use-stars-purchase';
import { useTonTopUp } from './use-ton-topup';
import { useTopUpWatch } from './use-topup-watch';

interface CreditsScreenProps {
  onClose: () => void;
  /** The environment draws no Back Button (mocked Telegram): show one in the page. */
  inPageBack: boolean;
}

function CreditsContent({ onClose, inPageBack }: CreditsScreenProps) {
  const [topUp, dispatch] = useReducer(topUpReducer, idleTopUp);
  const crediting = topUp.state === 'pending' && topUp.step === 'crediting';
  const credits = useCredits(crediting ? TOPUP_POLL_MS : false);
  const history = useHistory(crediting ? TOPUP_POLL_MS : false);
  const me = useMe();
  const wallet = useProvenTonWallet();
  const [tonConnectUI] = useTonConnectUI();

  useTopUpWatch(topUp, history.data?.items, dispatch);
  const { refetch } = history;
  const knownHistory = useCallback(async () => (await refetch()).data?.items.map((i) => i.id) ?? [], [refetch]);
  const buyWithStars = useStarsPurchase(dispatch, knownHistory);
  // A broker without TON (or not set up for deposits yet) gives no address or comment to pay to.
  const ton = credits.data?.ton;
  const deposit = ton?.serviceAddress && ton.depositComment ? ton : undefined;
  const topUpWithTon = useTonTopUp({ dispatch, knownHistory, deposit, wallet });

  // Telegram's Back Button closes TonConnect's modal first, then the screen.
  const back = useCallback(() => {
    if (tonConnectUI.modalState.status === 'opened') tonConnectUI.closeModal();
    else onClose();
  }, [tonConnectUI, onClose]);
  useBackButton(true, back);

  const busy = isBusy(topUp);
  return (
    <CreditsLayout onBack={inPageBack ? back : null} busy={busy}>
      <BalanceHero balance={credits.data?.balance ?? me.data?.balance} held={credits.data?.held ?? me.data?.held} />
      <TopUpStatus topUp={topUp} onDismiss={() => dispatch({ type: 'dismiss' })} />
      <PackList
        packs={credits.data?.packs}
        busy={busy}
        tonAvailable={deposit !== undefined}
        testPayments={credits.data?.testPayments ?? false}
        onStars={(pack) => void buyWithStars(pack)}
        onTon={(pack) => topUpWithTon(pack.nanoton)}
      />
      {(deposit || !credits.data) && (
        <WalletSection wallet={wallet} network={ton?.network} microCreditsPerTon={ton?.microCreditsPerTon} busy={busy} onTopUp={topUpWithTon} />
      )}
      <HistorySection items={history.data?.items} failed={history.isError} onRetry={() => void history.refetch()} />
    </CreditsLayout>
  );
}

/** Balance, packs for Stars or TON, the proven TON wallet and the history: pushed over the chat. */
export function CreditsScreen(props: CreditsScreenProps) {
  return (
    <TonConnectProvider>
      <CreditsContent {...props} />
    </TonConnectProvider>
  );
}
