import { useCallback, useState, type ReactNode } from 'react';
import { useMe, useModels } from '../../api/queries';
import { useSession } from '../../api/session';
import { MAX_TOKENS } from '../../config';
import { useVerticalSwipesDisabled } from '../../telegram/hooks';
import { ChipIcon, CodeIcon, InfoIcon } from '../../ui/icons';
import { useBrokerSocket } from '../../ws/use-broker-socket';
import { AttestationBadge } from './AttestationBadge';
import { AttestationSheet } from './AttestationSheet';
import { ChatHeader } from './ChatHeader';
import { Composer } from './Composer';
import { CreditsBalance } from './CreditsBalance';
import { EmptyState } from './EmptyState';
import { ErrorBanner } from './ErrorBanner';
import { useMaxPrice } from './max-price';
import { MaxPriceButton } from './MaxPriceButton';
import { MaxPriceSheet } from './MaxPriceSheet';
import { MessageList } from './MessageList';
import { ModelPicker, type ModelInfo } from './ModelPicker';
import { sendReadiness } from './send-readiness';
import { useAttestationPolicy } from './use-attestation-policy';
import { useChat } from './use-chat';
import { useVerifiedHost } from './use-verified-host';

const defaultModel = (models: ModelInfo[] | undefined): string | null =>
  (models?.find((m) => m.hostCount > 0) ?? models?.[0])?.name ?? null;

interface ChatScreenProps {
  /** The balance opens the Credits screen. */
  onOpenCredits: () => void;
  /** The code button: Developer. */
  onOpenDeveloper: () => void;
  /** The info button: About. */
  onOpenAbout: () => void;
  /** The chip button: My GPUs, for GPU owners. */
  onOpenOwner: () => void;
}

export function ChatScreen({ onOpenCredits, onOpenDeveloper, onOpenAbout, onOpenOwner }: ChatScreenProps) {
  useVerticalSwipesDisabled();
  const { session } = useSession();
  const me = useMe();
  const models = useModels();
  const [picked, setPicked] = useState<string | null>(null);
  const model = models.data?.models.some((m) => m.name === picked) ? picked : defaultModel(models.data?.models);
  const policy = useAttestationPolicy();
  const host = useVerifiedHost(model);
  const { socket, status } = useBrokerSocket();
  const chat = useChat(socket, status);
  const [draft, setDraft] = useState('');
  const [sheetOpen, setSheetOpen] = useState(false);
  const closeSheet = useCallback(() => setSheetOpen(false), []);
  const [maxPrice, setMaxPrice] = useMaxPrice();
  const [priceSheetOpen, setPriceSheetOpen] = useState(false);
  const closePriceSheet = useCallback(() => setPriceSheetOpen(false), []);

  const streaming = chat.state.activeJobId !== null;
  const readiness = sendReadiness({
    model,
    modelsLoading: models.isPending,
    policy: policy.data,
    policyFailed: policy.isError,
    host: host.data,
    hostLoading: host.isPending && model !== null,
    hostFailed: host.isError,
    socket: status,
  });
  const chosen = host.data?.state === 'verified' ? host.data.host : null;
  const price = models.data?.models.find((m) => m.name === model)?.price;

  const send = () => {
    const text = draft.trim();
    if (!text || !readiness.ready || !chosen || !model || !price) return;
    setDraft('');
    const alternates = host.data?.state === 'verified' ? host.data.alternates : [];
    void chat.send(text, { model, host: chosen, alternates, pricing: { price, coefficientMilli: chosen.coefficientMilli, maxCharge: maxPrice } });
  };

  const sheetHost = host.data && host.data.state !== 'none' ? host.data.host : null;
  return (
    <div className="flex h-app flex-col overflow-hidden bg-tg-secondary-bg">
      <ChatHeader>
        <ModelPicker models={models.data?.models} value={model} onChange={setPicked} disabled={streaming} />
        <CreditsBalance balance={me.data?.balance ?? session.balance} onOpen={onOpenCredits} />
        {/* Three icons at 320 px: grouped without the header's gap, so the model's name keeps its room. */}
        <div className="-mr-2 flex shrink-0 items-center">
          <HeaderIconButton testId="owner-button" label="My GPUs: machines, earnings and payouts" onClick={onOpenOwner}>
            <ChipIcon className="size-[22px]" />
          </HeaderIconButton>
          <HeaderIconButton testId="developer-button" label="Developer: API keys and usage" onClick={onOpenDeveloper}>
            <CodeIcon className="size-[22px]" />
          </HeaderIconButton>
          <HeaderIconButton testId="about-button" label="About this app" onClick={onOpenAbout}>
            <InfoIcon className="size-[22px]" />
          </HeaderIconButton>
        </div>
      </ChatHeader>
      <AttestationBadge host={host.data} loading={host.isPending || host.isFetching} onOpen={() => setSheetOpen(true)} />
      {chat.state.messages.length === 0 ? (
        <EmptyState onPick={setDraft} disabled={streaming} simulated={chosen?.verification.simulated ?? false} />
      ) : (
        <MessageList messages={chat.state.messages} />
      )}
      {chat.state.banner && (
        <ErrorBanner
          error={chat.state.banner}
          uncharged={chat.state.messages.some((m) => m.role === 'assistant' && m.id === chat.state.banner?.jobId && m.uncharged)}
          onDismiss={chat.dismissError}
        />
      )}
      <MaxPriceButton maxPrice={maxPrice} onOpen={() => setPriceSheetOpen(true)} />
      <Composer
        value={draft}
        onChange={setDraft}
        onSend={send}
        onStop={chat.stop}
        streaming={streaming}
        canSend={readiness.ready}
        hint={readiness.ready ? null : readiness.reason}
      />
      {sheetHost && <AttestationSheet open={sheetOpen} onClose={closeSheet} hostId={sheetHost.hostId} verification={sheetHost.verification} />}
      <MaxPriceSheet
        open={priceSheetOpen}
        onClose={closePriceSheet}
        maxPrice={maxPrice}
        onChange={setMaxPrice}
        price={price}
        coefficientMilli={sheetHost?.coefficientMilli}
        maxTokens={MAX_TOKENS}
      />
    </div>
  );
}

/** A round icon button in the chat header, at the hint colour of Telegram's theme. */
function HeaderIconButton({ testId, label, onClick, children }: { testId: string; label: string; onClick: () => void; children: ReactNode }) {
  return (
    <button
      type="button"
      data-testid={testId}
      aria-label={label}
      onClick={onClick}
      className="flex size-8 shrink-0 items-center justify-center rounded-full text-tg-hint transition active:scale-95 active:opacity-60"
    >
      {children}
    </button>
  );
}
