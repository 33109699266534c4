import { z } from 'zod';
import { CocoonError } from '@cocoon/shared/errors';
import {
  BotApiResponseSchema,
  STARS_CURRENCY,
  type AnswerPreCheckoutQueryParams,
  type RefundStarPaymentParams,
  type SetWebhookParams,
} from './types';

export const TELEGRAM_API_URL = 'https://api.telegram.org';
const DEFAULT_TIMEOUT_MS = 10_000;

/**
 * Telegram answered `{ ok: false }`. `errorCode` and `description` are Telegram's own (e.g. 400,
 * "Bad Request: CHARGE_ALREADY_REFUNDED"); they never contain the bot token.
 */
export class BotApiError extends CocoonError {
  constructor(
    readonly method: string,
    readonly errorCode: number,
    readonly description: string,
    /** Telegram's `retry_after` (a flood limit), carried as the error's `retryAfterS`. */
    retryAfterS?: number,
  ) {
    super('telegram.api_error', `${method}: ${errorCode} ${description}`, retryAfterS && retryAfterS > 0 ? { retryAfterS } : undefined);
  }
}

export interface BotApiOptions {
  /** https://api.telegram.org, or the stand-in's URL. */
  baseUrl: string;
  token: string;
  timeoutMs?: number;
}

export interface StarsInvoice {
  title: string;
  description: string;
  payload: string;
  /** Whole Stars. */
  stars: number;
  label: string;
}

/** A small Bot API client: JSON POSTs to `<baseUrl>/bot<token>/<method>`, answers validated by zod. */
export class BotApi {
  private readonly timeoutMs: number;

  constructor(private readonly opts: BotApiOptions) {
    this.timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  }

  /** A link for an invoice in Stars (currency XTR, one price, no provider token). */
  createInvoiceLink(inv: StarsInvoice): Promise<string> {
    const params = {
      title: inv.title,
      description: inv.description,
      payload: inv.payload,
      provider_token: '',
      currency: STARS_CURRENCY,
      prices: [{ label: inv.label, amount: inv.stars }],
    };
    return this.call('createInvoiceLink', params, z.string().min(1));
  }

  /** Must be called within 10 s of the pre_checkout_query update, or Telegram cancels the payment. */
  answerPreCheckoutQuery(params: AnswerPreCheckoutQueryParams): Promise<true> {
    return this.call('answerPreCheckoutQuery', params, z.literal(true));
  }

  refundStarPayment(params: RefundStarPaymentParams): Promise<true> {
    return this.call('refundStarPayment', params, z.literal(true));
  }

  setWebhook(params: SetWebhookParams): Promise<true> {
    return this.call('setWebhook', params, z.literal(true));
  }

  /**
   * @throws BotApiError when Telegram answers ok:false, CocoonError('telegram.unreachable') on a
   *   network failure or timeout, CocoonError('telegram.api_error') on an answer that is not the Bot API's.
   */
  private async call<T extends z.ZodType>(method: string, params: object, result: T): Promise<z.output<T>> {
    // The token is part of the URL: never put the URL in an error or a log.
    const url = `${this.opts.baseUrl.replace(/\/+$/, '')}/bot${this.opts.token}/${method}`;
    let res: Response;
    try {
      res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(params),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (cause) {
      const timedOut = cause instanceof Error && cause.name === 'TimeoutError';
      throw new CocoonError('telegram.unreachable', `${method}: ${timedOut ? `no answer in ${this.timeoutMs} ms` : 'request failed'}`, { cause });
    }
    let body: unknown;
    try {
      body = await res.json();
    } catch (cause) {
      throw new CocoonError('telegram.api_error', `${method}: HTTP ${res.status} without a JSON body`, { cause });
    }
    const answer = BotApiResponseSchema.safeParse(body);
    if (!answer.success) throw new CocoonError('telegram.api_error', `${method}: unexpected answer (HTTP ${res.status})`, { cause: answer.error });
    const a = answer.data;
    if (!a.ok) throw new BotApiError(method, a.error_code, a.description, a.parameters?.retry_after);
    const value = result.safeParse(a.result);
    if (!value.success) throw new CocoonError('telegram.api_error', `${method}: unexpected result`, { cause: value.error });
    return value.data;
  }
}
