import { z } from 'zod';

/**
 * The subset of the OpenAI chat-completions API that the host agent speaks to an inference engine
 * (vLLM, SGLang, llama.cpp, the built-in engine). ARCHITECTURE.md, "Inference engines";
 * https://platform.openai.com/docs/api-reference/chat. Responses are parsed loosely: engines add
 * fields (`stop_reason`, `prompt_token_ids`, `reasoning_content`...) and those pass through.
 */

export const ChatRoles = { system: 'system', user: 'user', assistant: 'assistant' } as const;
export const ChatRoleSchema = z.enum([ChatRoles.system, ChatRoles.user, ChatRoles.assistant]);
export type ChatRole = z.infer<typeof ChatRoleSchema>;

export const ChatMessageSchema = z.object({ role: ChatRoleSchema, content: z.string() });
export type ChatMessage = z.infer<typeof ChatMessageSchema>;

/**
 * `POST /v1/chat/completions` body. Optional fields accept `null` as OpenAI's SDKs send it.
 * @example ChatCompletionRequestSchema.parse({ model: 'm', messages: [{ role: 'user', content: 'Hi' }], stream: true })
 */
export const ChatCompletionRequestSchema = z.object({
  model: z.string().min(1),
  messages: z.array(ChatMessageSchema).min(1),
  /** Deprecated by OpenAI in favour of `max_completion_tokens`; vLLM accepts both. */
  max_tokens: z.number().int().positive().nullish(),
  max_completion_tokens: z.number().int().positive().nullish(),
  temperature: z.number().min(0).max(2).nullish(),
  top_p: z.number().gt(0).max(1).nullish(),
  seed: z.number().int().nullish(),
  stream: z.boolean().nullish(),
  stream_options: z.object({ include_usage: z.boolean().nullish() }).nullish(),
});
export type ChatCompletionRequest = z.infer<typeof ChatCompletionRequestSchema>;

export const UsageSchema = z.looseObject({
  prompt_tokens: z.number().int().nonnegative(),
  completion_tokens: z.number().int().nonnegative(),
  total_tokens: z.number().int().nonnegative().optional(),
});
export type Usage = z.infer<typeof UsageSchema>;

/**
 * One `data:` event of a streamed completion. `usage` comes either on a final chunk with
 * `choices: []` (current vLLM, OpenAI) or on every chunk (vLLM <= 0.6, cumulative).
 */
export const ChatCompletionChunkSchema = z.looseObject({
  id: z.string().optional(),
  object: z.literal('chat.completion.chunk').optional(),
  created: z.number().optional(),
  model: z.string().optional(),
  choices: z.array(z.looseObject({
    index: z.number().int().nonnegative(),
    delta: z.looseObject({ role: z.string().nullish(), content: z.string().nullish() }),
    finish_reason: z.string().nullish(),
  })),
  usage: UsageSchema.nullish(),
});
export type ChatCompletionChunk = z.infer<typeof ChatCompletionChunkSchema>;

/** The non-streamed response. */
export const ChatCompletionSchema = z.looseObject({
  id: z.string(),
  object: z.literal('chat.completion'),
  created: z.number(),
  model: z.string(),
  choices: z.array(z.looseObject({
    index: z.number().int().nonnegative(),
    message: z.looseObject({ role: z.string(), content: z.string().nullable() }),
    finish_reason: z.string().nullable(),
  })),
  usage: UsageSchema,
});
export type ChatCompletion = z.infer<typeof ChatCompletionSchema>;

/** `GET /v1/models`. `max_model_len` is vLLM's (and the built-in engine's) context length. */
export const ModelListSchema = z.looseObject({
  object: z.literal('list'),
  data: z.array(z.looseObject({
    id: z.string(),
    object: z.literal('model'),
    created: z.number().optional(),
    owned_by: z.string().optional(),
    max_model_len: z.number().int().positive().nullish(),
  })),
});
export type ModelList = z.infer<typeof ModelListSchema>;

const ErrorDetailShape = {
  message: z.string(),
  type: z.string().nullish(),
  param: z.string().nullish(),
  /** OpenAI sends a string, vLLM and llama.cpp the HTTP status as a number. */
  code: z.union([z.string(), z.number()]).nullish(),
};
/** `{"error": {message, type, param, code}}`: OpenAI, vLLM >= 0.10.1, llama.cpp. */
export const NestedErrorBodySchema = z.looseObject({ error: z.looseObject(ErrorDetailShape) });
/** `{"object": "error", message, type, param, code}`: vLLM <= 0.10.0. */
export const FlatErrorBodySchema = z.looseObject({ object: z.literal('error'), ...ErrorDetailShape });
export const ErrorBodySchema = z.union([NestedErrorBodySchema, FlatErrorBodySchema]);
export type ErrorBody = z.infer<typeof ErrorBodySchema>;
type NestedErrorBody = z.infer<typeof NestedErrorBodySchema>;

const isNested = (body: ErrorBody): body is NestedErrorBody => typeof body.error === 'object' && body.error !== null;

/** The error's message in either form. */
export function errorBodyMessage(body: ErrorBody): string {
  return isNested(body) ? body.error.message : body.message;
}
