import { describe, expect, it } from 'vitest';
import { createStorageSealer, type StorageKeyStore } from '../../crypto/storage-seal';
import { chatReducer, initialChatState, type ChatAction, type Message } from '../chat/chat-state';
import { decodeBody, decodeHead, encodeBody, encodeHead, keptMessages, recordContext, searchByTitle, titleFrom } from './record';

const pricing = { price: { promptPerMillion: 1_000_000n, completionPerMillion: 2_000_000n }, coefficientMilli: 1500n, maxCharge: 5_000_000n };
const receipt = { version: 1 as const, jobId: '6f1c2a4e-8a4b-4c1e-9f3a-1b2c3d4e5f60', hostId: 'host-1', model: 'demo', promptTokens: 10, completionTokens: 3, finishReason: 'length' as const, requestDigest: '00'.repeat(32), responseDigest: '11'.repeat(32) };
const jobId = receipt.jobId;
const canary = `canary-${crypto.randomUUID()}`;

const finished: Message[] = (
  [
    { type: 'send', jobId, text: `Tell me about ${canary}`, model: 'demo', pricing, leftOut: 2 },
    { type: 'delta', jobId, text: `The ${canary} answer` },
    { type: 'ended', jobId, receipt, signature: 'sig', receiptValid: true },
    { type: 'settled', jobId, charged: 21_000n, receipt, signature: 'sig' },
  ] satisfies ChatAction[]
).reduce(chatReducer, initialChatState).messages;

const memoryKeys = (): StorageKeyStore => {
  let kept: CryptoKey | null = null;
  return { load: async () => kept, save: async (k) => void (kept = k) };
};

describe('kept conversations', () => {
  it('round-trips finished messages, amounts and receipts included', () => {
    expect(decodeBody(encodeBody(finished))).toEqual(finished);
    const head = { id: 'c1', title: 'T', createdAt: 1, updatedAt: 2 };
    expect(decodeHead('c1', encodeHead(head))).toEqual(head);
  });

  it('keeps no job still open: an answer streaming is left out with its question', () => {
    const streaming = chatReducer({ ...initialChatState, messages: finished }, { type: 'send', jobId: 'j2', text: 'next', model: 'demo', pricing });
    expect(keptMessages(streaming.messages)).toEqual(finished);
    expect(decodeBody(encodeBody(streaming.messages))).toEqual(finished);
  });

  it('refuses a record that is not its format', () => {
    const bad = new TextEncoder().encode(JSON.stringify({ v: 1, messages: [{ id: 'x', role: 'assistant', text: 'y' }] }));
    expect(() => decodeBody(bad)).toThrow();
    expect(() => decodeHead('c', new TextEncoder().encode('{"v":2}'))).toThrow();
  });

  it('sealed under the device key, neither title nor text is in the stored bytes, and a record opens only in its place', async () => {
    const sealer = createStorageSealer(memoryKeys());
    const title = titleFrom(finished);
    const head = await sealer.seal(encodeHead({ id: 'c1', title, createdAt: 1, updatedAt: 1 }), recordContext('heads', 'c1'));
    const body = await sealer.seal(encodeBody(finished), recordContext('bodies', 'c1'));
    for (const sealed of [head, body]) expect(Buffer.from(sealed).includes(Buffer.from(canary.slice(7)))).toBe(false);
    expect(decodeBody(await sealer.open(body, recordContext('bodies', 'c1')))).toEqual(finished);
    await expect(sealer.open(body, recordContext('bodies', 'c2'))).rejects.toMatchObject({ code: 'envelope.open_failed' });
    await expect(sealer.open(head, recordContext('bodies', 'c1'))).rejects.toMatchObject({ code: 'envelope.open_failed' });
  });

  it('titles a conversation by its first message, on one line, cut at a word', () => {
    expect(titleFrom(finished)).toBe(`Tell me about ${canary}`);
    const long = 'Explain   the difference\nbetween copyleft and permissive licences, with examples from Debian please';
    expect(titleFrom([{ id: 'u', role: 'user', text: long }])).toBe('Explain the difference between copyleft and permissive…');
    expect(titleFrom([{ id: 'u', role: 'user', text: 'Continue', kind: 'continue' }])).toBe('');
  });

  it('searches titles by every word, ignoring case and accents', () => {
    const heads = [{ title: 'Résumé of the GPL' }, { title: 'Copyleft explained' }, { title: 'Привет мир' }];
    expect(searchByTitle(heads, 'resume gpl')).toEqual([heads[0]]);
    expect(searchByTitle(heads, 'COPYLEFT')).toEqual([heads[1]]);
    expect(searchByTitle(heads, 'привет')).toEqual([heads[2]]);
    expect(searchByTitle(heads, '  ')).toEqual(heads);
    expect(searchByTitle(heads, 'bsd')).toEqual([]);
  });
});
