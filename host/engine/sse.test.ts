import { describe, expect, it } from 'vitest';
import { createSseParser, readSse, type SseEvent } from './sse';

const pushAll = (parts: string[]): SseEvent[] => {
  const parser = createSseParser();
  return parts.flatMap((p) => parser.push(p));
};
const datas = (events: SseEvent[]): string[] => events.map((e) => e.data);

describe('SSE parser', () => {
  it('dispatches on a blank line with LF, CRLF or CR line ends', () => {
    expect(datas(pushAll(['data: a\n\ndata: b\r\n\r\ndata: c\r\rdata: d\n']))).toEqual(['a', 'b', 'c']);
  });

  it('treats a CRLF split across two reads as one line end', () => {
    expect(datas(pushAll(['data: a\r', '\n\r', '', '\ndata: b\r\n', '\r\n']))).toEqual(['a', 'b']);
  });

  it('joins multi-line data, skips comments and reads event and id fields', () => {
    const events = pushAll([': ping\n\nevent: note\nid: 7\ndata:one\ndata:  two\ndata\n\n']);
    expect(events).toEqual([{ event: 'note', data: 'one\n two\n', id: '7' }]);
  });

  it('drops an event that the stream ends before its blank line', () => {
    expect(datas(pushAll(['data: a\n\ndata: b\n']))).toEqual(['a']);
  });

  it('decodes UTF-8 characters cut between reads', async () => {
    const bytes = new TextEncoder().encode('data: h\u00e9 \u2581 \u{1F600}\n\n');
    async function* oneByteAtATime() {
      for (const b of bytes) yield Uint8Array.of(b);
    }
    const events: SseEvent[] = [];
    for await (const e of readSse(oneByteAtATime())) events.push(e);
    expect(datas(events)).toEqual(['h\u00e9 \u2581 \u{1F600}']);
  });
});
