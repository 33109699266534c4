import { z } from 'zod';
import { contentText, type ChatCompletionRequest, type Tool } from '@cocoon/shared/protocol/openai-chat';

/** A call of one of the request's tools, with its JSON arguments. */
export interface DemoToolCall {
  name: string;
  arguments: string;
}

/**
 * The demo model cannot call tools; this stands in for it, deterministically, so that a tool call
 * can be tested end to end as vLLM would stream one. It calls a tool when the request offers
 * `tools`, `tool_choice` allows a call, and the last message is the user's (a `tool` result is
 * answered in words) and either names a tool or `tool_choice` requires one (`required`: the named
 * tool or the first). The arguments fill the tool's required parameters (all of them when none
 * is required): strings with the last word of the user's message, numbers with 0, booleans false.
 * @example demoToolCall({ model, messages: [{ role: 'user', content: 'Use get_weather for Paris' }], tools }) // { name: 'get_weather', arguments: '{"city":"Paris"}' }
 */
export function demoToolCall(req: ChatCompletionRequest): DemoToolCall | null {
  const tools = req.tools ?? [];
  const choice = req.tool_choice ?? 'auto';
  const last = req.messages.at(-1);
  if (tools.length === 0 || choice === 'none' || last?.role !== 'user') return null;
  const text = contentText(last.content);
  const named = tools.find((t) => text.includes(t.function.name));
  const tool = typeof choice === 'object' ? tools.find((t) => t.function.name === choice.function.name) : choice === 'required' ? (named ?? tools[0]) : named;
  if (!tool) return null;
  return { name: tool.function.name, arguments: JSON.stringify(demoArguments(tool, text)) };
}

/** A JSON Schema object, or an empty one for anything else. */
const JsonSchemaObject = (v: unknown): Record<string, unknown> => z.record(z.string(), z.unknown()).catch({}).parse(v);

function demoArguments(tool: Tool, text: string): Record<string, unknown> {
  const schema = JsonSchemaObject(tool.function.parameters);
  const properties = JsonSchemaObject(schema.properties);
  const required = Array.isArray(schema.required) ? schema.required.filter((k): k is string => typeof k === 'string') : [];
  const lastWord = /([\p{L}\p{N}_-]+)[^\p{L}\p{N}_-]*$/u.exec(text)?.[1] ?? '';
  const args: Record<string, unknown> = {};
  for (const key of required.length > 0 ? required : Object.keys(properties)) {
    const type = JsonSchemaObject(properties[key]).type;
    args[key] = type === 'number' || type === 'integer' ? 0 : type === 'boolean' ? false : lastWord;
  }
  return args;
}

/**
 * A call's arguments in the pieces a streaming engine sends them in, at most `max` (one token
 * each, as the demo counts them), and whether they were cut short by that limit.
 */
export function argumentPieces(args: string, max: number): { pieces: string[]; cut: boolean } {
  const all = args.match(/.{1,6}/gs) ?? [];
  return { pieces: all.slice(0, Math.max(0, max)), cut: all.length > max };
}
