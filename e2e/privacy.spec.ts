import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { RequestSuites } from '@cocoon/shared/protocol/request-suite';
import { ClientToBrokerSchema } from '@cocoon/shared/protocol/ws-messages';
import { expect, test } from './support/fixtures';

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? filesUnder(p) : [p];
  });
}
const containsInDataDir = (dir: string, needle: string) => filesUnder(dir).some((f) => readFileSync(f).includes(Buffer.from(needle)));

test('a canary prompt never appears in clear in the broker logs, database or traffic', async ({ openApp, stack, page: tab }) => {
  const canary = `canary-${crypto.randomUUID()}`;
  // What the app sends over its WebSocket, unmasked (the recorded TCP traffic has the frames masked).
  const sent: string[] = [];
  tab.on('websocket', (ws) => ws.on('framesent', (f) => void sent.push(String(f.payload))));
  // Positive control: a value that does reach the broker in clear (the user's first name).
  const marker = `Marker${Date.now()}`;
  const page = await openApp({ id: 777001, first_name: marker });
  await page.getByTestId('message-input').fill(`Please repeat ${canary}`);
  await page.getByTestId('send-button').click();
  await expect(page.getByTestId('job-cost')).toBeVisible();

  const logs = stack.brokerLogs();
  const traffic = stack.traffic();
  expect(logs.length).toBeGreaterThan(0);
  // The broker's frames to the app are neither masked nor compressed (the Mini App's files are, so
  // the control cannot be a string of its code): the recording sees the job's settlement in clear.
  expect(traffic.includes(Buffer.from('job.settled'))).toBe(true);
  expect(containsInDataDir(stack.dataDir, marker)).toBe(true);

  expect(logs.includes(canary)).toBe(false);
  expect(traffic.includes(Buffer.from(canary))).toBe(false);
  expect(containsInDataDir(stack.dataDir, canary)).toBe(false);

  // The one job.create went out sealed with the post-quantum suite, named on the wire, and carries no canary.
  const creates = sent.flatMap((f) => {
    const m = ClientToBrokerSchema.safeParse(JSON.parse(f));
    return m.success && m.data.type === 'job.create' ? [m.data.request.suite] : [];
  });
  expect(creates).toEqual([RequestSuites.xwing]);
  expect(sent.some((f) => f.includes(canary))).toBe(false);
});
