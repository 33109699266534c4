import { t } from '../../i18n';
import { useModels } from '../../api/queries';
import { brokerUrl } from '../../api/broker-url';
import { ALLOW_SIMULATED_TEE, POLICY_KEYS } from '../../config';
import { CheckIcon, CopyIcon } from '../../ui/icons';
import { Section } from '../../ui/Section';
import { useCopy } from '../../ui/use-copy';
import { proxyCommand, sdkExample } from './code-example';

function CodeBlock({ label, code, testId }: { label: string; code: string; testId: string }) {
  const { copied, copy } = useCopy(code);
  return (
    <div className="px-4 py-2.5" data-testid={testId}>
      <div className="mb-1.5 flex items-center justify-between">
        <span className="text-[13px] text-tg-hint">{label}</span>
        <button type="button" onClick={() => void copy()} className={`flex items-center gap-1 text-[13px] active:opacity-60 ${copied ? 'text-success-text' : 'text-tg-link'}`}>
          {copied ? <CheckIcon className="size-4" /> : <CopyIcon className="size-4" />}
          {copied ? t('developer.copied') : t('developer.copy')}
        </button>
      </div>
      <pre tabIndex={0} className="overflow-x-auto rounded-[10px] bg-tg-secondary-bg px-3 py-2 font-mono text-[12px] leading-relaxed whitespace-pre">{code}</pre>
    </div>
  );
}

/**
 * How to call the models from code: run the local encrypting proxy (it verifies each host's
 * attestation, seals requests and opens answers on your machine), then any OpenAI SDK.
 */
export function CodeExample() {
  const models = useModels();
  const model = models.data?.models.find((m) => m.hostCount > 0)?.name ?? models.data?.models[0]?.name ?? 'MODEL';
  const brokerOrigin = new URL(brokerUrl('/'), window.location.href).origin;
  return (
    <Section title={t('developer.code.title')}>
      <p className="px-4 py-2.5 text-[14px] leading-snug text-tg-hint">
        {t('developer.code.body')}
      </p>
      <CodeBlock label={t('developer.code.terminal')} testId="proxy-command" code={proxyCommand({ brokerOrigin, policyKeys: POLICY_KEYS, allowSimulated: ALLOW_SIMULATED_TEE })} />
      <CodeBlock label="Python (openai)" testId="sdk-example" code={sdkExample(model)} />
    </Section>
  );
}
