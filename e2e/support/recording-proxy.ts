import net from 'node:net';

/**
 * A TCP proxy in front of the broker that keeps every byte the browser and the broker exchange,
 * so a privacy test can search the traffic itself for a canary.
 */
export async function startRecordingProxy(target: URL): Promise<{ url: string; traffic(): Buffer; close(): Promise<void> }> {
  const chunks: Buffer[] = [];
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(Number(target.port), target.hostname);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => s.destroy());
    }
    client.on('data', (d) => chunks.push(Buffer.from(d)));
    upstream.on('data', (d) => chunks.push(Buffer.from(d)));
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as net.AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    traffic: () => Buffer.concat(chunks),
    close: () =>
      new Promise((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}
