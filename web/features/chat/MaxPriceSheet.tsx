import { useState } from 'react';
import { formatCredits, type Price } from '@cocoon/shared/pricing';
import { Row, Section } from '../../ui/Section';
import { Sheet } from '../../ui/Sheet';
import { pricePer1K } from './format';
import { atCoefficient, maxPriceAtHost, parseCredits } from './max-price';

interface MaxPriceSheetProps {
  open: boolean;
  onClose: () => void;
  /** The user's max price per message, in micro-credits. */
  maxPrice: bigint;
  onChange: (micro: bigint) => void;
  /** The model's base price and the chosen host's coefficient, when known. */
  price: Price | undefined;
  coefficientMilli: bigint | undefined;
  /** The answer budget the app asks for when the max allows it. */
  maxTokens: number;
}

/** What the chosen host charges, and what the user's max buys there. */
function HostPrice({ price, coefficientMilli, maxPrice, maxTokens }: { price: Price; coefficientMilli: bigint; maxPrice: bigint; maxTokens: number }) {
  const { fullAnswer, answerTokens } = maxPriceAtHost({ price, coefficientMilli, maxCharge: maxPrice, maxTokens });
  const coefficient = Number(coefficientMilli) / 1000;
  return (
    <Section title="This model on this host">
      <Row label="Price per 1K tokens">
        <span data-testid="host-price">
          {pricePer1K(atCoefficient(price.promptPerMillion, coefficientMilli))} in · {pricePer1K(atCoefficient(price.completionPerMillion, coefficientMilli))} out
          {coefficient !== 1 && ` (${coefficient}× base)`}
        </span>
      </Row>
      <Row label="Short message, full answer">
        <span data-testid="full-answer-cost">up to {formatCredits(fullAnswer)} credits</span>
      </Row>
      <p className="px-4 py-2.5 text-[13px] leading-snug text-tg-hint" data-testid="max-price-effect">
        {answerTokens === 0
          ? 'Your max is below this host’s price for any answer: nothing can be sent to it.'
          : answerTokens < maxTokens
            ? `At your max, answers stop after ${answerTokens} tokens (longer conversations leave less).`
            : 'Your max covers a full answer to a short message; long conversations cost more and may be shortened or refused.'}
      </p>
    </Section>
  );
}

/**
 * The user's max price per message: kept on this device and sent, bound into each sealed request,
 * as the most the job may cost. The broker never holds or charges more; a host priced above it
 * is refused before anything is held.
 */
export function MaxPriceSheet({ open, onClose, maxPrice, onChange, price, coefficientMilli, maxTokens }: MaxPriceSheetProps) {
  const [text, setText] = useState(() => formatCredits(maxPrice));
  const typed = parseCredits(text);
  return (
    <Sheet open={open} onClose={onClose} title="Price per message" testId="max-price-sheet">
      <Section title="Max price per message">
        <label className="flex items-center gap-2 px-4 py-2.5">
          <input
            data-testid="max-price-input"
            inputMode="decimal"
            autoComplete="off"
            aria-label="Max price per message in credits"
            value={text}
            onChange={(e) => {
              setText(e.target.value);
              const micro = parseCredits(e.target.value);
              if (micro !== null) onChange(micro);
            }}
            className="h-10 min-w-0 flex-1 rounded-[10px] bg-tg-secondary-bg px-3 text-[16px] text-tg-text outline-none"
          />
          <span className="text-[15px] text-tg-hint">credits</span>
        </label>
        <p className="px-4 py-2.5 text-[13px] leading-snug text-tg-hint">
          {typed === null
            ? 'Enter an amount above 0, with at most 6 decimals.'
            : 'No message costs you more: the app, the broker and the enclave each refuse a job that could. Remembered on this device.'}
        </p>
      </Section>
      {price && coefficientMilli !== undefined && <HostPrice price={price} coefficientMilli={coefficientMilli} maxPrice={maxPrice} maxTokens={maxTokens} />}
    </Sheet>
  );
}
