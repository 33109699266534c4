import { useState } from 'react';
import { MICRO_PER_CREDIT, type Price } from '@cocoon/shared/pricing';
import { useCredits } from '../../api/payment-queries';
import { formatNumber, t } from '../../i18n';
import { Row, Section } from '../../ui/Section';
import { creditsCount, creditsNumber, creditsText, pricePer1K } from './format';
import { atCoefficient, maxPriceAtHost, parseCredits } from './max-price';

export interface MaxPriceSettingsProps {
  /** The user's max price per message, in micro-credits. */
  maxPrice: bigint;
  onChange: (micro: bigint) => void;
  /** The model's base price and the chosen host's coefficient, when known. */
  price: Price | undefined;
  coefficientMilli: bigint | undefined;
  /** The answer budget the app asks for when the max allows it. */
  maxTokens: number;
}

/** Stars per credit of the smallest pack on sale: what a credit costs a person who buys one. */
function useStarsPerCredit(): number | null {
  const pack = useCredits().data?.packs.reduce<{ credits: bigint; stars: number } | null>((a, p) => (a && a.credits <= p.credits ? a : p), null);
  return pack && pack.credits > 0n ? pack.stars / (Number(pack.credits) / Number(MICRO_PER_CREDIT)) : null;
}

/** What the chosen host charges, and what the user's max buys there. */
function HostPrice({ price, coefficientMilli, maxPrice, maxTokens }: { price: Price; coefficientMilli: bigint; maxPrice: bigint; maxTokens: number }) {
  const { fullAnswer, answerTokens } = maxPriceAtHost({ price, coefficientMilli, maxCharge: maxPrice, maxTokens });
  const coefficient = Number(coefficientMilli) / 1000;
  return (
    <Section title={t('chat.maxPrice.hostTitle')}>
      <Row label={t('chat.maxPrice.per1K')}>
        <span data-testid="host-price">
          {t('chat.maxPrice.inOut', {
            in: pricePer1K(atCoefficient(price.promptPerMillion, coefficientMilli)),
            out: pricePer1K(atCoefficient(price.completionPerMillion, coefficientMilli)),
          })}
          {coefficient !== 1 && ` ${t('chat.maxPrice.coefficient', { coefficient: formatNumber(coefficient) })}`}
        </span>
      </Row>
      <Row label={t('chat.maxPrice.fullAnswer')}>
        <span data-testid="full-answer-cost">{t('chat.maxPrice.upTo', { amount: creditsText(fullAnswer) })}</span>
      </Row>
      <p className="px-4 py-2.5 text-[13px] leading-snug text-tg-hint" data-testid="max-price-effect">
        {answerTokens === 0
          ? t('chat.maxPrice.effectNothing')
          : answerTokens < maxTokens
            ? t('chat.maxPrice.effectShorter', { tokens: answerTokens })
            : t('chat.maxPrice.effectFull')}
      </p>
    </Section>
  );
}

/**
 * The user's max price per message: kept on this device and sent, bound into each sealed request,
 * as the most the job may cost. The broker never holds or charges more; a host priced above it
 * is refused before anything is held.
 */
export function MaxPriceSettings({ maxPrice, onChange, price, coefficientMilli, maxTokens }: MaxPriceSettingsProps) {
  const [text, setText] = useState(() => formatNumber(creditsCount(maxPrice), { maximumFractionDigits: 6, useGrouping: false }));
  const typed = parseCredits(text);
  const starsPerCredit = useStarsPerCredit();
  return (
    <>
      <p className="mb-4 px-1 text-[15px] leading-snug text-tg-text" data-testid="max-price-explained">
        {t('chat.maxPrice.explain')}
        {starsPerCredit !== null && (
          <span className="text-tg-hint" data-testid="max-price-stars">
            {' '}
            {t('chat.maxPrice.worth', {
              count: creditsCount(maxPrice),
              amount: creditsNumber(maxPrice),
              stars: formatNumber(creditsCount(maxPrice) * starsPerCredit, { maximumFractionDigits: 1 }),
            })}
          </span>
        )}
      </p>
      <Section title={t('chat.maxPrice.inputTitle')}>
        <label className="flex items-center gap-2 px-4 py-2.5">
          <input
            data-testid="max-price-input"
            inputMode="decimal"
            autoComplete="off"
            aria-label={t('chat.maxPrice.inputLabel')}
            value={text}
            onChange={(e) => {
              setText(e.target.value);
              const micro = parseCredits(e.target.value);
              if (micro !== null) onChange(micro);
            }}
            className="h-11 min-w-0 flex-1 rounded-[10px] bg-tg-secondary-bg px-3 text-[16px] text-tg-text outline-none"
          />
          <span className="text-[15px] text-tg-hint">{t('chat.maxPrice.unit')}</span>
        </label>
        <p className="px-4 py-2.5 text-[13px] leading-snug text-tg-hint">{typed === null ? t('chat.maxPrice.invalid') : t('chat.maxPrice.promise')}</p>
      </Section>
      {price && coefficientMilli !== undefined && <HostPrice price={price} coefficientMilli={coefficientMilli} maxPrice={maxPrice} maxTokens={maxTokens} />}
    </>
  );
}
