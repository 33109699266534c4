import type { ChunkPayload } from '@cocoon/shared/protocol/jobs';
import type { Receipt } from '@cocoon/shared/protocol/receipt';

/**
 * OpenAI's chat-completion objects, field for field
 * (https://platform.openai.com/docs/api-reference/chat/object and /streaming): the proxy builds
 * them from the opened answer pieces and the enclave-signed receipt, whose token counts are the
 * engine's own.
 */
export type AnswerPiece = Extract<ChunkPayload, { type: 'delta' | 'tool_call' }>;

export interface CompletionIdentity {
  /** `chatcmpl-<job id>`; the job id is also the `x-request-id`. */
  id: string;
  created: number;
  model: string;
}

export const completionId = (jobId: string): string => `chatcmpl-${jobId}`;

export interface OpenAiUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
}

export const usageOf = (r: Pick<Receipt, 'promptTokens' | 'completionTokens'>): OpenAiUsage => ({
  prompt_tokens: r.promptTokens,
  completion_tokens: r.completionTokens,
  total_tokens: r.promptTokens + r.completionTokens,
});

/** OpenAI's finish reason for the receipt's: `stop`, `length`, `tool_calls`. */
export const finishReasonOf = (r: Pick<Receipt, 'finishReason'>): 'stop' | 'length' | 'tool_calls' =>
  r.finishReason === 'length' || r.finishReason === 'tool_calls' ? r.finishReason : 'stop';

type ToolCallDelta = { index: number; id?: string; type?: 'function'; function: { name?: string; arguments: string } };
type Delta = { role?: 'assistant'; content?: string | null; refusal?: null; tool_calls?: ToolCallDelta[] };

/** The stream's chunks; `includeUsage` adds `usage: null` to each and the final usage-only chunk. */
export class ChunkWriter {
  constructor(
    private readonly ident: CompletionIdentity,
    private readonly includeUsage: boolean,
  ) {}

  private chunk(delta: Delta, finish: string | null) {
    return {
      id: this.ident.id,
      object: 'chat.completion.chunk',
      created: this.ident.created,
      model: this.ident.model,
      system_fingerprint: null,
      choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
      ...(this.includeUsage ? { usage: null } : {}),
    };
  }

  /** The first chunk, before any piece: the assistant's role, as OpenAI sends it. */
  role() {
    return this.chunk({ role: 'assistant', content: '', refusal: null }, null);
  }

  piece(p: AnswerPiece) {
    if (p.type === 'delta') return this.chunk({ content: p.text }, null);
    const call: ToolCallDelta = { index: p.index, function: { arguments: p.arguments ?? '' } };
    if (p.id !== undefined) call.id = p.id;
    if (p.id !== undefined || p.name !== undefined) call.type = 'function';
    if (p.name !== undefined) call.function.name = p.name;
    return this.chunk({ tool_calls: [call] }, null);
  }

  finish(receipt: Receipt) {
    return this.chunk({}, finishReasonOf(receipt));
  }

  /** Only with `stream_options.include_usage`. */
  usage(receipt: Receipt) {
    return { id: this.ident.id, object: 'chat.completion.chunk', created: this.ident.created, model: this.ident.model, system_fingerprint: null, choices: [], usage: usageOf(receipt) };
  }
}

/** Collects the pieces of a non-streamed answer: its text and its tool calls by index. */
export class CompletionCollector {
  private text = '';
  private readonly calls = new Map<number, { id: string; type: 'function'; function: { name: string; arguments: string } }>();

  add(p: AnswerPiece): void {
    if (p.type === 'delta') {
      this.text += p.text;
      return;
    }
    const call = this.calls.get(p.index) ?? { id: '', type: 'function' as const, function: { name: '', arguments: '' } };
    if (p.id !== undefined) call.id = p.id;
    if (p.name !== undefined) call.function.name += p.name;
    if (p.arguments !== undefined) call.function.arguments += p.arguments;
    this.calls.set(p.index, call);
  }

  completion(ident: CompletionIdentity, receipt: Receipt) {
    const toolCalls = [...this.calls.entries()].sort(([a], [b]) => a - b).map(([, c]) => c);
    return {
      id: ident.id,
      object: 'chat.completion',
      created: ident.created,
      model: ident.model,
      system_fingerprint: null,
      choices: [{
        index: 0,
        message: { role: 'assistant', content: this.text === '' && toolCalls.length > 0 ? null : this.text, refusal: null, ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}) },
        logprobs: null,
        finish_reason: finishReasonOf(receipt),
      }],
      usage: usageOf(receipt),
    };
  }
}
