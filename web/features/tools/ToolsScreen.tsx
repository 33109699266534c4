import { useCallback, useMemo, useState } from 'react';
import { formatCredits } from '@cocoon/shared/pricing';
import { useModels } from '../../api/queries';
import { currentLocale, t } from '../../i18n';
import { launchLanguageCode } from '../../telegram/launch-param';
import { parseStartParam } from '../../telegram/start-param';
import { PushedScreen } from '../../ui/PushedScreen';
import { ConnectionBanner } from '../../ws/ConnectionBanner';
import { useBrokerSocket } from '../../ws/use-broker-socket';
import { ErrorBanner } from '../chat/ErrorBanner';
import { useMaxPrice } from '../chat/max-price';
import { MaxPriceButton } from '../chat/MaxPriceButton';
import { MaxPriceSheet } from '../chat/MaxPriceSheet';
import { sendReadiness } from '../chat/send-readiness';
import { useAttestationPolicy } from '../chat/use-attestation-policy';
import { useVerifiedHost } from '../chat/use-verified-host';
import { canonicalLanguage, translateTargets } from './languages';
import { checkText, MAX_TOOL_TEXT_CHARS, TOOL_MAX_TOKENS, toolCost, type RewriteStyle, type ToolChoice, type ToolId } from './prompts';
import { LanguageSelect, TextInput } from './ToolInputs';
import { StylePicker, toolName, ToolPicker } from './ToolPicker';
import { ToolResult } from './ToolResult';
import { useToolJob } from './use-tool-job';

interface ToolsScreenProps {
  onBack: (() => void) | null;
  /** The launch's `startapp` parameter: the tool it asks for, if it names one (web/telegram/start-param.ts). */
  startParam?: string | null;
}

/**
 * Writing tools: Summarize, Rewrite, Fix grammar and Translate a pasted text, each one job with its
 * own prompt (./prompts.ts), encrypted for the verified host and billed by its signed receipt like
 * a chat message. Uses the chat's default model, host and max price per message.
 */
export function ToolsScreen({ onBack, startParam = null }: ToolsScreenProps) {
  const [start] = useState(() => parseStartParam(startParam));
  const userLanguage = useMemo(() => canonicalLanguage(launchLanguageCode()) ?? currentLocale(), []);
  const targets = useMemo(() => translateTargets(userLanguage, start?.language), [userLanguage, start?.language]);
  const [tool, setTool] = useState<ToolId>(start?.tool ?? 'summarize');
  const [style, setStyle] = useState<RewriteStyle>(start?.style ?? 'shorter');
  const [language, setLanguage] = useState(start?.language ?? userLanguage);
  const [text, setText] = useState('');

  const models = useModels();
  const model = (models.data?.models.find((m) => m.hostCount > 0) ?? models.data?.models[0])?.name ?? null;
  const price = models.data?.models.find((m) => m.name === model)?.price;
  const policy = useAttestationPolicy();
  const host = useVerifiedHost(model);
  const { socket, status } = useBrokerSocket();
  const job = useToolJob(socket, status);
  const [maxPrice, setMaxPrice] = useMaxPrice();
  const [priceSheetOpen, setPriceSheetOpen] = useState(false);
  const closePriceSheet = useCallback(() => setPriceSheetOpen(false), []);

  const choice: ToolChoice = tool === 'rewrite' ? { tool, style } : tool === 'translate' ? { tool, language } : { tool };
  const check = checkText(text);
  const chosen = host.data?.state === 'verified' ? host.data.host : null;
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
  const cost = check.ok && chosen && price ? toolCost(choice, text, price, chosen.coefficientMilli, maxPrice) : null;
  const canRun = readiness.ready && check.ok && cost !== null && cost.budget > 0 && !job.running;
  const run = () => {
    if (!canRun || !chosen || !model || !price) return;
    const alternates = host.data?.state === 'verified' ? host.data.alternates : [];
    void job.run(choice, text, { model, host: chosen, alternates, pricing: { price, coefficientMilli: chosen.coefficientMilli, maxCharge: maxPrice } });
  };

  const over = check.chars - MAX_TOOL_TEXT_CHARS;
  const hint = !readiness.ready
    ? readiness.reason
    : over > 0
      ? t('tools.tooLong', { count: over })
      : cost && cost.budget === 0
        ? t('tools.overPrice')
        : cost
          ? t('tools.atMost', { credits: formatCredits(cost.atMost) })
          : null;

  return (
    <PushedScreen title={t('tools.title')} testId="tools-screen" backTestId="tools-back" onBack={onBack}>
      <div className="-mx-4 mt-2">
        <ConnectionBanner status={status} onReconnect={socket.reconnect} />
      </div>
      <p className="mt-2 mb-4 px-1 text-[14px] leading-snug text-tg-hint">{t('tools.intro')}</p>
      <ToolPicker value={tool} onChange={setTool} disabled={job.running} />
      {tool === 'rewrite' && (
        <div className="mt-2">
          <StylePicker value={style} onChange={setStyle} disabled={job.running} />
        </div>
      )}
      {tool === 'translate' && <LanguageSelect value={language} onChange={setLanguage} targets={targets} userLanguage={userLanguage} disabled={job.running} />}
      <TextInput value={text} onChange={setText} disabled={job.running} />

      {hint && (
        <p className="mt-2 px-1 text-[13px] leading-snug text-tg-hint" data-testid="tool-hint" role={over > 0 || cost?.budget === 0 ? 'alert' : undefined}>
          {hint}
        </p>
      )}
      <div className="mt-3">
        <MaxPriceButton maxPrice={maxPrice} onOpen={() => setPriceSheetOpen(true)} />
      </div>
      {job.running ? (
        <button type="button" data-testid="tool-stop" onClick={job.stop} className="mb-5 min-h-12 w-full rounded-xl bg-tg-text/85 text-[16px] font-semibold text-tg-bg transition active:scale-[0.99]">
          {t('tools.stop')}
        </button>
      ) : (
        <button
          type="button"
          data-testid="tool-run"
          disabled={!canRun}
          onClick={run}
          className="mb-5 min-h-12 w-full rounded-xl bg-tg-button text-[16px] font-semibold text-tg-button-text transition active:scale-[0.99] disabled:opacity-50"
        >
          {toolName(tool)}
        </button>
      )}

      {job.banner && (
        <div className="-mx-3">
          <ErrorBanner error={job.banner} uncharged={!!job.result && job.result.id === job.banner.jobId && job.result.uncharged} onDismiss={job.dismissError} />
        </div>
      )}
      {job.result && <ToolResult result={job.result} />}
      <MaxPriceSheet
        open={priceSheetOpen}
        onClose={closePriceSheet}
        maxPrice={maxPrice}
        onChange={setMaxPrice}
        price={price}
        coefficientMilli={chosen?.coefficientMilli}
        maxTokens={TOOL_MAX_TOKENS}
      />
    </PushedScreen>
  );
}
