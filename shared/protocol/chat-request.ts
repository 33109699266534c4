import { z } from 'zod';
import { ChatMessageSchema, ResponseFormatSchema, StopSchema, ToolChoiceSchema, ToolSchema } from './openai-chat';

/**
 * The plaintext of a job: what only the client and the enclave ever see. Messages are OpenAI's
 * (text, tool calls, tool results); the sampling fields are passed to the engine as OpenAI names
 * them (`topP` → `top_p`, `toolChoice` → `tool_choice`...). The token limit is `JobMeta.maxTokens`.
 */
export const ChatRequestSchema = z.object({
  messages: z.array(ChatMessageSchema).min(1).max(256),
  temperature: z.number().min(0).max(2).optional(),
  topP: z.number().gt(0).max(1).optional(),
  seed: z.number().int().nonnegative().max(2 ** 31 - 1).optional(),
  stop: StopSchema.optional(),
  presencePenalty: z.number().min(-2).max(2).optional(),
  frequencyPenalty: z.number().min(-2).max(2).optional(),
  responseFormat: ResponseFormatSchema.optional(),
  tools: z.array(ToolSchema).min(1).max(128).optional(),
  toolChoice: ToolChoiceSchema.optional(),
  parallelToolCalls: z.boolean().optional(),
});
export type ChatRequest = z.infer<typeof ChatRequestSchema>;
