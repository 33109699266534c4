import { z } from 'zod';

/**
 * The subset of the OpenAI chat-completions API that the host agent speaks to an inference engine
 * (vLLM, SGLang, llama.cpp, the built-in engine). ARCHITECTURE.md, "Inference engines";
 * https://platform.openai.com/docs/api-reference/chat. Responses are parsed loosely: engines add
 * fields (`stop_reason`, `prompt_token_ids`, `reasoning_content`...) and those pass through.
 */

export const ChatRoles = { system: 'system', developer: 'developer', user: 'user', assistant: 'assistant', tool: 'tool' } as const;
export const ChatRoleSchema = z.enum([ChatRoles.system, ChatRoles.developer, ChatRoles.user, ChatRoles.assistant, ChatRoles.tool]);
export type ChatRole = z.infer<typeof ChatRoleSchema>;

/** Most characters one message's text may have. */
export const MAX_MESSAGE_CHARS = 100_000;

/** One text part of a message's content (`[{ type: 'text', text }]`, as SDKs send it). Images and audio are not served. */
export const TextPartSchema = z.object({ type: z.literal('text'), text: z.string().max(MAX_MESSAGE_CHARS) });
/** A message's content: a string or text parts. */
export const ChatContentSchema = z.union([z.string().max(MAX_MESSAGE_CHARS), z.array(TextPartSchema).max(64)]);
export type ChatContent = z.infer<typeof ChatContentSchema>;

/** The text of a message's content, parts joined as OpenAI's and vLLM's chat templates join them. */
export const contentText = (content: ChatContent | null | undefined): string =>
  typeof content === 'string' ? content : (content ?? []).map((p) => p.text).join('\n');

/** A function name, as OpenAI allows it. */
export const ToolNameSchema = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'expected a function name of 1-64 letters, digits, _ and -');
const ToolCallIdSchema = z.string().min(1).max(256);

/** A tool call the model made: in an assistant message sent back, and in a non-streamed answer. */
export const ToolCallSchema = z.object({
  id: ToolCallIdSchema,
  type: z.literal('function'),
  function: z.object({ name: ToolNameSchema, arguments: z.string().max(MAX_MESSAGE_CHARS) }),
});
export type ToolCall = z.infer<typeof ToolCallSchema>;

const name = z.string().min(1).max(64).nullish();

/**
 * One message of a chat, as OpenAI's API takes it: `system`/`developer`/`user` with text, an
 * `assistant` turn with text and/or the tool calls it made, a `tool` result naming its call.
 * @example ChatMessageSchema.parse({ role: 'tool', tool_call_id: 'call_1', content: '{"temp":21}' })
 */
export const ChatMessageSchema = z.discriminatedUnion('role', [
  z.object({ role: z.literal(ChatRoles.system), content: ChatContentSchema, name }),
  z.object({ role: z.literal(ChatRoles.developer), content: ChatContentSchema, name }),
  z.object({ role: z.literal(ChatRoles.user), content: ChatContentSchema, name }),
  z.object({
    role: z.literal(ChatRoles.assistant),
    content: ChatContentSchema.nullish(),
    name,
    tool_calls: z.array(ToolCallSchema).min(1).max(128).nullish(),
    refusal: z.string().max(MAX_MESSAGE_CHARS).nullish(),
  }),
  z.object({ role: z.literal(ChatRoles.tool), content: ChatContentSchema, tool_call_id: ToolCallIdSchema }),
]);
export type ChatMessage = z.infer<typeof ChatMessageSchema>;

/** A function the model may call; `parameters` is a JSON Schema, passed to the engine as given. */
export const ToolSchema = z.object({
  type: z.literal('function'),
  function: z.object({
    name: ToolNameSchema,
    description: z.string().max(8192).nullish(),
    parameters: z.record(z.string(), z.unknown()).nullish(),
    strict: z.boolean().nullish(),
  }),
});
export type Tool = z.infer<typeof ToolSchema>;

/** `none`, `auto`, `required`, or one named function. */
export const ToolChoiceSchema = z.union([
  z.enum(['none', 'auto', 'required']),
  z.object({ type: z.literal('function'), function: z.object({ name: ToolNameSchema }) }),
]);
export type ToolChoice = z.infer<typeof ToolChoiceSchema>;

/** Structured output: plain text, any JSON object, or JSON matching a schema (vLLM's guided decoding). */
export const ResponseFormatSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('text') }),
  z.object({ type: z.literal('json_object') }),
  z.object({
    type: z.literal('json_schema'),
    json_schema: z.object({ name: z.string().min(1).max(64), description: z.string().max(8192).nullish(), schema: z.record(z.string(), z.unknown()).nullish(), strict: z.boolean().nullish() }),
  }),
]);
export type ResponseFormat = z.infer<typeof ResponseFormatSchema>;

/** Up to 4 stop sequences. */
export const StopSchema = z.union([z.string().min(1).max(256), z.array(z.string().min(1).max(256)).max(4)]);

const penalty = z.number().min(-2).max(2);

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
  stop: StopSchema.nullish(),
  presence_penalty: penalty.nullish(),
  frequency_penalty: penalty.nullish(),
  response_format: ResponseFormatSchema.nullish(),
  tools: z.array(ToolSchema).max(128).nullish(),
  tool_choice: ToolChoiceSchema.nullish(),
  parallel_tool_calls: z.boolean().nullish(),
  stream: z.boolean().nullish(),
  stream_options: z.object({ include_usage: z.boolean().nullish() }).nullish(),
});
export type ChatCompletionRequest = z.infer<typeof ChatCompletionRequestSchema>;

/**
 * A streamed piece of a tool call: the first for a call carries its `id` and function `name`, the
 * next ones more of its `arguments` (a JSON string, in pieces), all under the call's `index`.
 */
export const ToolCallDeltaSchema = z.looseObject({
  index: z.number().int().nonnegative(),
  id: z.string().nullish(),
  type: z.string().nullish(),
  function: z.looseObject({ name: z.string().nullish(), arguments: z.string().nullish() }).nullish(),
});
export type ToolCallDelta = z.infer<typeof ToolCallDeltaSchema>;

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
    delta: z.looseObject({ role: z.string().nullish(), content: z.string().nullish(), tool_calls: z.array(ToolCallDeltaSchema).nullish() }),
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
    message: z.looseObject({
      role: z.string(),
      content: z.string().nullable(),
      tool_calls: z.array(z.looseObject({ id: z.string(), type: z.string().optional(), function: z.looseObject({ name: z.string(), arguments: z.string() }) })).nullish(),
    }),
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

/**
 * `POST /tokenize` (at the server root, beside `/v1`), as vLLM serves it: a chat (`messages` and any
 * `tools`, with the chat template and generation prompt applied, as for a completion) or a plain `prompt`.
 * llama.cpp's server has a `/tokenize` of another shape; engines without one answer 404.
 * @example TokenizeRequestSchema.parse({ model: 'm', messages: [{ role: 'user', content: 'Hi' }] })
 */
export const TokenizeRequestSchema = z.union([
  z.object({ model: z.string().min(1).nullish(), messages: z.array(ChatMessageSchema).min(1), tools: z.array(ToolSchema).max(128).nullish(), add_generation_prompt: z.boolean().nullish(), add_special_tokens: z.boolean().nullish() }),
  z.object({ model: z.string().min(1).nullish(), prompt: z.string(), add_special_tokens: z.boolean().nullish() }),
]);
export type TokenizeRequest = z.infer<typeof TokenizeRequestSchema>;

/** vLLM's answer: the token count, the ids, and the model's context length. */
export const TokenizeResponseSchema = z.looseObject({
  count: z.number().int().nonnegative(),
  max_model_len: z.number().int().positive(),
  tokens: z.array(z.number().int()),
});
export type TokenizeResponse = z.infer<typeof TokenizeResponseSchema>;

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
