/**
 * Server-sent events, parsed as the WHATWG HTML standard's "event stream interpretation" says:
 * lines end in CRLF, LF or CR (a CRLF may be split across two reads), `:` starts a comment,
 * several `data:` lines join with "\n", a blank line dispatches, and an event still open when the
 * stream ends is dropped. Bytes are decoded as a UTF-8 stream, so split characters survive.
 */

export type SseEvent = { event: string; data: string; id: string | undefined };

export type SseParser = {
  /** Feeds decoded text; returns the events it completed. */
  push(text: string): SseEvent[];
};

export function createSseParser(): SseParser {
  // The unfinished line, in the pieces it came in: joined once when its line end arrives, so a long
  // line fed in small reads costs linear time (rescanning or re-flattening one growing string did not).
  let pending: string[] = [];
  let skipLeadingLf = false;
  let data: string[] = [];
  let eventType = '';
  let lastId: string | undefined;

  const processLine = (line: string, out: SseEvent[]): void => {
    if (line === '') {
      if (data.length > 0) out.push({ event: eventType || 'message', data: data.join('\n'), id: lastId });
      data = [];
      eventType = '';
      return;
    }
    if (line.startsWith(':')) return;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'data') data.push(value);
    else if (field === 'event') eventType = value;
    else if (field === 'id' && !value.includes('\0')) lastId = value;
  };

  return {
    push(text) {
      if (skipLeadingLf && text.length > 0) {
        if (text.startsWith('\n')) text = text.slice(1);
        skipLeadingLf = false;
      }
      const out: SseEvent[] = [];
      let start = 0;
      for (let i = 0; i < text.length; i++) {
        const c = text[i];
        if (c !== '\n' && c !== '\r') continue;
        pending.push(text.slice(start, i));
        processLine(pending.join(''), out);
        pending = [];
        if (c === '\r') {
          if (i + 1 === text.length) skipLeadingLf = true;
          else if (text[i + 1] === '\n') i++;
        }
        start = i + 1;
      }
      if (start < text.length) pending.push(text.slice(start));
      return out;
    },
  };
}

/** Reads a byte stream (e.g. a fetch `Response.body`) as SSE events. */
export async function* readSse(body: AsyncIterable<Uint8Array>): AsyncGenerator<SseEvent> {
  const decoder = new TextDecoder('utf-8');
  const parser = createSseParser();
  for await (const bytes of body) {
    yield* parser.push(decoder.decode(bytes, { stream: true }));
  }
  yield* parser.push(decoder.decode());
}
