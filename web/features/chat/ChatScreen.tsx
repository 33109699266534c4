import { lazy, Suspense, useCallback, useState, type ReactNode } from 'react';
import { useMe, useModels } from '../../api/queries';
import { useSession } from '../../api/session';
import { useVerticalSwipesDisabled } from '../../telegram/hooks';
import { loadAreas, t } from '../../i18n';
import { BubbleIcon, ChipIcon, CodeIcon, InfoIcon } from '../../ui/icons';
import { ConnectionBanner } from '../../ws/ConnectionBanner';
import { useBrokerSocket } from '../../ws/use-broker-socket';
import { AttestationBadge } from './AttestationBadge';
import { AttestationSheet } from './AttestationSheet';
import { ChatHeader } from './ChatHeader';
import { Composer } from './Composer';
import { CreditsBalance } from './CreditsBalance';
import { EmptyState } from './EmptyState';
import { ErrorBanner } from './ErrorBanner';
import { isLowBalance } from './low-balance';
import { LowBalanceBanner } from './LowBalanceBanner';
import { useMaxPrice } from './max-price';
import { MaxPriceButton } from './MaxPriceButton';
import { MaxPriceSheet } from './MaxPriceSheet';
import { MessageList } from './MessageList';
import { ModelPicker, type ModelInfo } from './ModelPicker';
import { sendReadiness } from './send-readiness';
import { useAttestationPolicy } from './use-attestation-policy';
import { effectiveMaxTokens, useAnswerLength } from '../conversations/answer-length';
import { useClosingConfirmation } from '../conversations/closing-confirmation';
import { useConversation } from '../conversations/use-conversation';
import { useChat, type SendTarget } from './use-chat';
import { useVerifiedHost } from './use-verified-host';

/** The conversation list loads on first open, out of the first paint. */
/** The conversation list, with its words, loads when first opened. */
const ConversationsSheet = lazy(() => Promise.all([import('../conversations/ConversationsSheet'), loadAreas(['history'])]).then(([m]) => m));

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
  /** The empty chat's "Writing tools": the tools screen (web/features/tools). */
  onOpenTools: () => void;
}

export function ChatScreen({ onOpenCredits, onOpenDeveloper, onOpenAbout, onOpenOwner, onOpenTools }: ChatScreenProps) {
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
  const conversation = useConversation(chat.state, chat.load);
  const [listOpen, setListOpen] = useState(false);
  const closeList = useCallback(() => setListOpen(false), []);
  const [answerLength, setAnswerLength] = useAnswerLength();
  /** Editing the last message: the composer holds its text, and Send replaces the last turn. */
  const [editing, setEditing] = useState(false);

  const streaming = chat.state.activeJobId !== null;
  useClosingConfirmation(streaming);
  const readiness = sendReadiness({
    model,
    modelsLoading: models.isPending,
    modelsFailed: models.isError,
    policy: policy.data,
    policyFailed: policy.isError,
    host: host.data,
    hostLoading: host.isPending && model !== null,
    hostFailed: host.isError,
    socket: status,
  });
  const chosen = host.data?.state === 'verified' ? host.data.host : null;
  const price = models.data?.models.find((m) => m.name === model)?.price;
  const balance = me.data?.balance ?? session.balance;

  const verifiedOrShown = chosen ?? (host.data && host.data.state !== 'none' ? host.data.host : null);
  /** The model's context length as the host attests it (null: not stated; nothing is trimmed). */
  const contextLength = verifiedOrShown?.verification.models.find((m) => m.name === model)?.contextLength ?? null;
  const maxTokens = effectiveMaxTokens(answerLength, contextLength);
  /** Where the next job goes; null while the chat cannot send. */
  const target = (): SendTarget | null => {
    if (!readiness.ready || !chosen || !model || !price) return null;
    const alternates = host.data?.state === 'verified' ? host.data.alternates : [];
    return { model, host: chosen, alternates, pricing: { price, coefficientMilli: chosen.coefficientMilli, maxCharge: maxPrice }, maxTokens, contextLength };
  };

  const send = () => {
    const text = draft.trim();
    const to = target();
    if (!text || !to) return;
    setDraft('');
    if (editing) {
      setEditing(false);
      chat.editLast(text, to);
    } else void chat.send(text, to);
  };
  const withTarget = (fn: (to: SendTarget) => void) => () => {
    const to = target();
    if (to) fn(to);
  };
  const lastUser = chat.state.messages.findLast((m) => m.role === 'user' && m.kind !== 'continue');
  const startEdit = () => {
    if (!lastUser) return;
    setDraft(lastUser.text);
    setEditing(true);
  };
  const cancelEdit = () => {
    setEditing(false);
    setDraft('');
  };
  const turnActions = streaming
    ? {}
    : { onRegenerate: withTarget(chat.regenerate), onContinue: withTarget(chat.continueAnswer), onEdit: lastUser ? startEdit : undefined };

  const sheetHost = host.data && host.data.state !== 'none' ? host.data.host : null;
  return (
    <div className="flex h-app flex-col overflow-hidden bg-tg-secondary-bg">
      <ChatHeader>
        <HeaderIconButton testId="conversations-button" label={t('conversations.open')} onClick={() => setListOpen(true)}>
          <BubbleIcon className="size-[22px]" />
        </HeaderIconButton>
        <ModelPicker models={models.data?.models} value={model} onChange={setPicked} disabled={streaming} />
        <CreditsBalance balance={balance} onOpen={onOpenCredits} />
        {/* Three icons at 320 px: grouped without the header's gap, so the model's name keeps its room. */}
        <div className="-mr-2 flex shrink-0 items-center">
          <HeaderIconButton testId="owner-button" label={t('chat.header.owner')} onClick={onOpenOwner}>
            <ChipIcon className="size-[22px]" />
          </HeaderIconButton>
          <HeaderIconButton testId="developer-button" label={t('chat.header.developer')} onClick={onOpenDeveloper}>
            <CodeIcon className="size-[22px]" />
          </HeaderIconButton>
          <HeaderIconButton testId="about-button" label={t('chat.header.about')} onClick={onOpenAbout}>
            <InfoIcon className="size-[22px]" />
          </HeaderIconButton>
        </div>
      </ChatHeader>
      <AttestationBadge host={host.data} loading={host.isPending || host.isFetching} onOpen={() => setSheetOpen(true)} />
      <ConnectionBanner status={status} onReconnect={socket.reconnect} />
      {chat.state.messages.length === 0 ? (
        <EmptyState onPick={setDraft} onOpenTools={onOpenTools} disabled={streaming} simulated={chosen?.verification.simulated ?? false} />
      ) : (
        <MessageList messages={chat.state.messages} actions={turnActions} />
      )}
      {chat.state.banner && (
        <ErrorBanner
          error={chat.state.banner}
          uncharged={chat.state.messages.some((m) => m.role === 'assistant' && m.id === chat.state.banner?.jobId && m.uncharged)}
          onDismiss={chat.dismissError}
          onTopUp={onOpenCredits}
        />
      )}
      {!chat.state.banner && balance !== undefined && isLowBalance(balance, { maxPrice, maxTokens, host: chosen && price ? { price, coefficientMilli: chosen.coefficientMilli } : null }) && (
        <LowBalanceBanner balance={balance} onTopUp={onOpenCredits} />
      )}
      <MaxPriceButton maxPrice={maxPrice} onOpen={() => setPriceSheetOpen(true)} />
      {editing && (
        <div className="flex items-center justify-between gap-2 px-safe pl-4 text-[14px] text-tg-hint" data-testid="editing-bar">
          <span className="min-w-0 truncate">{t('conversations.editing')}</span>
          <button type="button" onClick={cancelEdit} className="min-h-11 shrink-0 px-3 text-tg-link active:opacity-60" data-testid="editing-cancel">
            {t('conversations.cancelEdit')}
          </button>
        </div>
      )}
      <Composer
        value={draft}
        onChange={setDraft}
        onSend={send}
        onStop={chat.stop}
        streaming={streaming}
        canSend={readiness.ready}
        hint={readiness.ready ? null : readiness.reason}
        pricing={chosen && price ? { price, coefficientMilli: chosen.coefficientMilli, maxPrice } : null}
      />
      {sheetHost && <AttestationSheet open={sheetOpen} onClose={closeSheet} hostId={sheetHost.hostId} verification={sheetHost.verification} />}
      <MaxPriceSheet
        open={priceSheetOpen}
        onClose={closePriceSheet}
        maxPrice={maxPrice}
        onChange={setMaxPrice}
        price={price}
        coefficientMilli={sheetHost?.coefficientMilli}
        maxTokens={maxTokens}
      />
      {listOpen && (
        <Suspense fallback={null}>
          <ConversationsSheet
            open={listOpen}
            onClose={closeList}
            currentId={conversation.head?.id ?? null}
            busy={streaming}
            onNew={() => (setEditing(false), conversation.newChat())}
            onOpen={(id) => (setEditing(false), conversation.open(id))}
            onRenamed={conversation.renamed}
            onDeleted={conversation.deleted}
            answerLength={answerLength}
            onAnswerLength={setAnswerLength}
            contextLength={contextLength}
          />
        </Suspense>
      )}
    </div>
  );
}

/** A round icon button in the chat header, at the hint colour of Telegram's theme: a 44 px tap target that takes 32 px of the row. */
function HeaderIconButton({ testId, label, onClick, children }: { testId: string; label: string; onClick: () => void; children: ReactNode }) {
  return (
    <button
      type="button"
      data-testid={testId}
      aria-label={label}
      onClick={onClick}
      className="-mx-1.5 flex size-11 shrink-0 items-center justify-center rounded-full text-tg-hint transition active:scale-95 active:opacity-60"
    >
      {children}
    </button>
  );
}
