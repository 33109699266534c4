import { useQueryClient } from '@tanstack/react-query';
import { useTonConnectUI } from '@tonconnect/ui-react';
import { useCallback, useEffect, useState } from 'react';
import { t } from '../../i18n';
import { useBackButton } from '../../telegram/hooks';
import { TonConnectProvider } from '../../ton/TonConnectProvider';
import { useTonProof } from '../../ton/use-ton-proof';
import { PushedScreen } from '../../ui/PushedScreen';
import { AddMachineSheet } from './AddMachineSheet';
import { EarningsSection } from './EarningsSection';
import { MachinesSection } from './MachinesSection';
import { NotificationsSection } from './NotificationsSection';
import { OwnerSkeleton, ownerTitle } from './OwnerSkeleton';
import { OwnerOnboarding, PayoutWalletSection } from './PayoutWallet';
import { PayoutsSection } from './PayoutsSection';
import { ownerKeys, payoutOnItsWay, useMachines, useOwner, usePayouts, useSetPayoutWallet } from './queries';
import { LoadError } from './ui';
import { WithdrawSheet } from './WithdrawSheet';

interface OwnerScreenProps {
  onClose: () => void;
  /** The environment draws no Back Button (mocked Telegram): show one in the page. */
  inPageBack: boolean;
}

function OwnerContent({ onClose, inPageBack }: OwnerScreenProps) {
  const owner = useOwner();
  const isOwner = Boolean(owner.data?.owner);
  const machines = useMachines(isOwner);
  const payouts = usePayouts(isOwner);
  // While a payout is on its way its amount moves between the totals: refresh them with each poll.
  const client = useQueryClient();
  const onTheWay = payoutOnItsWay(payouts.data?.payouts);
  useEffect(() => {
    if (onTheWay) void client.invalidateQueries({ queryKey: ownerKeys.owner });
  }, [onTheWay, payouts.dataUpdatedAt, client]);
  // The payout address is a fresh ton_proof each time; the wallet need not stay connected after.
  const proof = useTonProof(useSetPayoutWallet(), { disconnectAfter: true });
  const [adding, setAdding] = useState(false);
  const [withdrawing, setWithdrawing] = useState(false);

  // Telegram's Back Button closes TonConnect's modal first, then the screen.
  const [tonConnectUI] = useTonConnectUI();
  const back = useCallback(() => {
    if (tonConnectUI.modalState.status === 'opened') tonConnectUI.closeModal();
    else onClose();
  }, [tonConnectUI, onClose]);
  useBackButton(true, back);
  const onBack = inPageBack ? back : null;

  if (owner.isPending) return <OwnerSkeleton onBack={onBack} title={ownerTitle()} />;
  return (
    <PushedScreen title={ownerTitle()} testId="owner-screen" backTestId="owner-back-button" onBack={onBack}>
      {owner.isError || !owner.data ? (
        <div className="mt-5 rounded-xl bg-tg-section-bg">
          <LoadError message={t('owner.machines.loadFailed')} onRetry={() => void owner.refetch()} testId="owner-error" />
        </div>
      ) : owner.data.owner === null ? (
        <OwnerOnboarding proof={proof} network={owner.data.payoutRules.network} />
      ) : (
        <>
          <div className="pt-5" />
          <MachinesSection machines={machines.data?.machines} failed={machines.isError} onRetry={() => void machines.refetch()} onAdd={() => setAdding(true)} />
          <EarningsSection owner={owner.data} onWithdraw={() => setWithdrawing(true)} />
          <PayoutsSection payouts={payouts.data?.payouts} failed={payouts.isError} onRetry={() => void payouts.refetch()} rules={owner.data.payoutRules} />
          <PayoutWalletSection owner={owner.data.owner} proof={proof} network={owner.data.payoutRules.network} />
          <NotificationsSection enabled={owner.data.owner.notifications} />
          <AddMachineSheet open={adding} onClose={() => setAdding(false)} machines={machines.data?.machines} />
          <WithdrawSheet open={withdrawing} onClose={() => setWithdrawing(false)} owner={owner.data} />
        </>
      )}
    </PushedScreen>
  );
}

/** For GPU owners: onboarding, machines, Add machine, earnings, withdrawals and payouts. Pushed over the chat. */
export function OwnerScreen(props: OwnerScreenProps) {
  return (
    <TonConnectProvider>
      <OwnerContent {...props} />
    </TonConnectProvider>
  );
}
