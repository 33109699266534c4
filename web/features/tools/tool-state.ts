import { chatReducer, initialChatState, type AssistantMessage, type ChatAction, type ChatState } from '../chat/chat-state';

/**
 * The chat's reducer (../chat/chat-state.ts), keeping one run: a new run forgets the last one's
 * text and banner (nothing of it is kept beyond the screen, as in the chat).
 */
export function toolReducer(state: ChatState, action: ChatAction): ChatState {
  return chatReducer(action.type === 'send' ? initialChatState : state, action);
}

/** The run on screen: the latest job's answer, if any. */
export const lastResult = (state: ChatState): AssistantMessage | null => {
  const last = state.messages.at(-1);
  return last?.role === 'assistant' ? last : null;
};
