import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from './support/fixtures';

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? filesUnder(p) : [p];
  });
}
const containsInDataDir = (dir: string, needle: string) => filesUnder(dir).some((f) => readFileSync(f).includes(Buffer.from(needle)));

test('a canary prompt never appears in clear in the broker logs, database or traffic', async ({ openApp, stack }) => {
  const canary = `canary-${crypto.randomUUID()}`;
  // Positive control: a value that does reach the broker in clear (the user's first name).
  const marker = `Marker${Date.now()}`;
  const page = await openApp({ id: 777001, first_name: marker });
  await page.getByTestId('message-input').fill(`Please repeat ${canary}`);
  await page.getByTestId('send-button').click();
  await expect(page.getByTestId('job-cost')).toBeVisible();

  const logs = stack.brokerLogs();
  const traffic = stack.traffic();
  expect(logs.length).toBeGreaterThan(0);
  expect(traffic.includes(Buffer.from('job.create'))).toBe(true);
  expect(containsInDataDir(stack.dataDir, marker)).toBe(true);

  expect(logs.includes(canary)).toBe(false);
  expect(traffic.includes(Buffer.from(canary))).toBe(false);
  expect(containsInDataDir(stack.dataDir, canary)).toBe(false);
});
