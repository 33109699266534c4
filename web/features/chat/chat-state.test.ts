import { describe, expect, it } from 'vitest';
import type { Receipt } from '@cocoon/shared/protocol/receipt';
import { activeJob, chatItems, chatReducer, conversation, initialChatState, lastTurnStart, type AssistantMessage, type ChatAction, type ChatState } from './chat-state';

const pricing = { price: { promptPerMillion: 1_000_000n, completionPerMillion: 2_000_000n }, coefficientMilli: 1000n, maxCharge: 5_000_000n };
const receipt = (jobId: string, finishReason: Receipt['finishReason'] = 'stop'): Receipt => ({
  version: 1,
  jobId,
  hostId: 'host-1',
  model: 'demo',
  promptTokens: 10,
  completionTokens: 3,
  finishReason,
  requestDigest: '00'.repeat(32),
  responseDigest: '11'.repeat(32),
});

const run = (actions: ChatAction[], from: ChatState = initialChatState) => actions.reduce(chatReducer, from);
const assistant = (s: ChatState, id = 'j1') => s.messages.find((m): m is AssistantMessage => m.role === 'assistant' && m.id === id)!;
const send = (jobId: string, text = 'hi'): ChatAction => ({ type: 'send', jobId, text, model: 'demo', pricing });

describe('chatReducer', () => {
  it('streams deltas into the answer and releases the job at the end', () => {
    const s = run([
      send('j1'),
      { type: 'queued', jobId: 'j1' },
      { type: 'started', jobId: 'j1' },
      { type: 'delta', jobId: 'j1', text: 'Hel' },
      { type: 'delta', jobId: 'j1', text: 'lo' },
    ]);
    expect(activeJob(s)?.status).toBe('streaming');
    expect(assistant(s).text).toBe('Hello');
    const done = run([{ type: 'ended', jobId: 'j1', receipt: receipt('j1'), signature: 'sig', receiptValid: true }], s);
    expect(assistant(done)).toMatchObject({ status: 'done', finishReason: 'stop', streamReceipt: { valid: true } });
    expect(done.activeJobId).toBeNull();
  });

  it('shows a failure in the banner, keeps partial text and lets the user send again', () => {
    const s = run([send('j1'), { type: 'delta', jobId: 'j1', text: 'par' }, { type: 'failed', jobId: 'j1', error: { code: 'envelope.chunk_tampered' } }]);
    expect(assistant(s)).toMatchObject({ status: 'failed', text: 'par', error: { code: 'envelope.chunk_tampered' } });
    expect(s.banner?.code).toBe('envelope.chunk_tampered');
    expect(s.activeJobId).toBeNull();
    const again = run([send('j2')], s);
    expect(again.activeJobId).toBe('j2');
    expect(again.banner).toBeNull();
  });

  it('ignores frames that arrive after the job closed', () => {
    const s = run([send('j1'), { type: 'failed', jobId: 'j1', error: { code: 'job.host_gone' } }, { type: 'dismiss' }]);
    const late = run([{ type: 'delta', jobId: 'j1', text: 'late' }, { type: 'failed', jobId: 'j1', error: { code: 'job.timeout' } }], s);
    expect(late).toBe(s);
  });

  it('records that the broker charged nothing for a failed or stopped job, whatever the order of the frames', () => {
    const failed = run([send('j1'), { type: 'failed', jobId: 'j1', error: { code: 'engine.unavailable' } }, { type: 'uncharged', jobId: 'j1' }]);
    expect(assistant(failed)).toMatchObject({ status: 'failed', uncharged: true, settled: null });
    const first = run([send('j1'), { type: 'stop', jobId: 'j1' }, { type: 'uncharged', jobId: 'j1' }, { type: 'failed', jobId: 'j1', error: { code: 'job.cancelled' } }]);
    expect(assistant(first)).toMatchObject({ status: 'stopped', uncharged: true });
    expect(assistant(run([send('j1')])).uncharged).toBe(false);
  });

  it('treats a cancel as stopped, not as an error', () => {
    const s = run([send('j1'), { type: 'delta', jobId: 'j1', text: 'so' }, { type: 'stop', jobId: 'j1' }, { type: 'failed', jobId: 'j1', error: { code: 'job.cancelled' } }]);
    expect(assistant(s)).toMatchObject({ status: 'stopped', error: null, stopRequested: true });
    expect(s.banner).toBeNull();
    const ended = run([send('j2'), { type: 'ended', jobId: 'j2', receipt: receipt('j2', 'cancelled'), signature: 's', receiptValid: true }]);
    expect(assistant(ended, 'j2').status).toBe('stopped');
  });

  it('records the settlement even when it arrives after the end', () => {
    const s = run([
      send('j1'),
      { type: 'ended', jobId: 'j1', receipt: receipt('j1'), signature: 'sig', receiptValid: true },
      { type: 'settled', jobId: 'j1', charged: 16n, receipt: receipt('j1'), signature: 'sig' },
    ]);
    expect(assistant(s).settled?.charged).toBe(16n);
  });
});

describe('failover', () => {
  it('moves the answer to the next host\'s job: the old job\'s late frames and release do not touch it', () => {
    const nextPricing = { ...pricing, coefficientMilli: 1200n };
    const s = run([
      send('j1'),
      { type: 'queued', jobId: 'j1' },
      { type: 'uncharged', jobId: 'j1' },
      { type: 'rehosted', jobId: 'j1', nextJobId: 'j2', pricing: nextPricing },
      { type: 'failed', jobId: 'j1', error: { code: 'job.host_gone' } },
      { type: 'delta', jobId: 'j1', text: 'stale' },
      { type: 'queued', jobId: 'j2' },
      { type: 'delta', jobId: 'j2', text: 'Hi' },
      { type: 'ended', jobId: 'j2', receipt: receipt('j2'), signature: 'sig', receiptValid: true },
    ]);
    expect(s.messages.map((m) => m.id)).toEqual(['j1:user', 'j2']);
    expect(assistant(s, 'j2')).toMatchObject({ text: 'Hi', status: 'done', pricing: nextPricing, uncharged: false, error: null });
    expect(s.activeJobId).toBeNull();
    expect(s.banner).toBeNull();
  });

  it('does not revive a message that already ended', () => {
    const done = run([send('j1'), { type: 'failed', jobId: 'j1', error: { code: 'job.host_gone' } }]);
    expect(run([{ type: 'rehosted', jobId: 'j1', nextJobId: 'j2', pricing }], done)).toBe(done);
  });
});

describe('conversation', () => {
  it('sends completed turns and leaves failed ones out', () => {
    const s = run([
      send('j1', 'first'),
      { type: 'delta', jobId: 'j1', text: 'one' },
      { type: 'ended', jobId: 'j1', receipt: receipt('j1'), signature: 's', receiptValid: true },
      send('j2', 'second'),
      { type: 'failed', jobId: 'j2', error: { code: 'job.host_gone' } },
      send('j3', 'third'),
    ]);
    expect(conversation(s.messages)).toEqual([
      { role: 'user', content: 'first' },
      { role: 'assistant', content: 'one' },
    ]);
  });
});

describe('conversations: continue, regenerate, edit, open', () => {
  const finish = (jobId: string, text: string, reason: Receipt['finishReason'] = 'stop'): ChatAction[] => [
    { type: 'delta', jobId, text },
    { type: 'ended', jobId, receipt: receipt(jobId, reason), signature: 'sig', receiptValid: true },
  ];
  const lengthStopped = run([send('j1', 'Tell me'), ...finish('j1', 'Once upon', 'length')]);

  it('Continue: a hidden user turn, and its answer joined to the stopped one in one bubble and one assistant message sent', () => {
    const s = run([{ type: 'send', jobId: 'j2', text: 'Continue', model: 'demo', pricing, continues: 'j1' }, ...finish('j2', ' a time')], lengthStopped);
    expect(s.messages.map((m) => m.role)).toEqual(['user', 'assistant', 'user', 'assistant']);
    expect(s.messages[2]).toMatchObject({ kind: 'continue' });
    const items = chatItems(s.messages);
    expect(items.map((i) => i.kind)).toEqual(['user', 'answer']);
    const answer = items[1];
    expect(answer?.kind === 'answer' && answer.message).toMatchObject({ id: 'j2', text: 'Once upon a time', status: 'done' });
    expect(answer?.kind === 'answer' && answer.parts.map((p) => p.id)).toEqual(['j1', 'j2']);
    expect(conversation(s.messages)).toEqual([
      { role: 'user', content: 'Tell me' },
      { role: 'assistant', content: 'Once upon a time' },
    ]);
  });

  it('a continuation that failed leaves the answer and the conversation as they were', () => {
    const s = run([{ type: 'send', jobId: 'j2', text: 'Continue', model: 'demo', pricing, continues: 'j1' }, { type: 'failed', jobId: 'j2', error: { code: 'job.host_gone' } }], lengthStopped);
    expect(conversation(s.messages)).toEqual(conversation(lengthStopped.messages));
    const answer = chatItems(s.messages)[1];
    expect(answer?.kind === 'answer' && answer.message).toMatchObject({ text: 'Once upon', status: 'failed' });
  });

  it('regenerate and edit replace the last turn (from its user message), never an earlier one', () => {
    const two = run([send('j2', 'Second'), ...finish('j2', 'B')], run(finish('j1', 'A'), run([send('j1', 'First')])));
    const start = lastTurnStart(two);
    expect(start).toBe(2);
    const edited = run([{ type: 'send', jobId: 'j3', text: 'Second, edited', model: 'demo', pricing, keep: start! }], two);
    expect(edited.messages.map((m) => m.text)).toEqual(['First', 'A', 'Second, edited', '']);
    expect(lastTurnStart(edited)).toBeNull(); // a job is running
    // After a Continue, the last turn still starts at its visible user message.
    const continued = run([{ type: 'send', jobId: 'j2', text: 'Continue', model: 'demo', pricing, continues: 'j1' }, ...finish('j2', '!')], lengthStopped);
    expect(lastTurnStart(continued)).toBe(0);
  });

  it('opens a conversation only between jobs, and records turns left out of the request', () => {
    const loaded = run([{ type: 'load', messages: lengthStopped.messages }]);
    expect(loaded.messages).toBe(lengthStopped.messages);
    const busy = run([send('j9')]);
    expect(run([{ type: 'load', messages: [] }], busy)).toBe(busy);
    expect(run([{ type: 'load', messages: [] }], lengthStopped).messages).toEqual([]);
    const trimmed = run([{ type: 'send', jobId: 'j4', text: 'x', model: 'demo', pricing, leftOut: 4 }]);
    expect(assistant(trimmed, 'j4').leftOut).toBe(4);
  });
});
