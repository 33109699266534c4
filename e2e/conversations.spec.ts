import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Page } from '@playwright/test';
import { signedInitData } from './support/chat-client';
import { E2E_BOT_TOKEN, expect, test, TELEGRAM_THEMES } from './support/fixtures';

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    const s = statSync(p, { throwIfNoEntry: false });
    return !s ? [] : s.isDirectory() ? filesUnder(p) : s.isFile() ? [p] : [];
  });
}
/** Whether any file under `dir` holds `needle` as UTF-8 or UTF-16 (LevelDB keeps IndexedDB and localStorage strings as either). */
const inFiles = (dir: string, needle: string) => {
  const forms = [Buffer.from(needle, 'utf8'), Buffer.from(needle, 'utf16le')];
  return filesUnder(dir).some((f) => {
    const bytes = readFileSync(f);
    return forms.some((n) => bytes.includes(n));
  });
};

/** Everything this origin keeps in IndexedDB and localStorage, bytes included, as one string to search. */
const storedEverywhere = (page: Page) =>
  page.evaluate(async () => {
    const dump: string[] = [JSON.stringify({ ...localStorage })];
    const bytes = (v: unknown): unknown =>
      v instanceof Uint8Array ? Array.from(v, (b) => String.fromCharCode(b)).join('') : v instanceof CryptoKey ? `CryptoKey(extractable=${v.extractable})` : v;
    for (const info of await indexedDB.databases()) {
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const req = indexedDB.open(info.name!);
        req.onsuccess = () => resolve(req.result);
        req.onerror = () => reject(req.error);
      });
      for (const store of Array.from(db.objectStoreNames)) {
        const all = await new Promise<unknown[]>((resolve, reject) => {
          const req = db.transaction(store).objectStore(store).getAll();
          req.onsuccess = () => resolve(req.result);
          req.onerror = () => reject(req.error);
        });
        dump.push(`${info.name}/${store}:${JSON.stringify(all, (_k, v: unknown) => bytes(v))}`);
      }
      db.close();
    }
    return dump.join('\n');
  });

test('a conversation is kept encrypted on the device, survives a reload, opens from the list; Continue, edit and regenerate work on the last turn', async ({ stack }) => {
  test.setTimeout(90_000);
  const profile = mkdtempSync(join(tmpdir(), 'cocoon-profile-'));
  const canary = `canary${crypto.randomUUID().replaceAll('-', '')}`;
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-quic'],
    viewport: { width: 390, height: 844 },
  });
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    const hash = new URLSearchParams({
      tgWebAppData: signedInitData(E2E_BOT_TOKEN, { id: 880011, first_name: 'Kept' }),
      tgWebAppVersion: '8.0',
      tgWebAppPlatform: 'tdesktop',
      tgWebAppThemeParams: JSON.stringify(TELEGRAM_THEMES.light),
    });
    await page.goto(`${stack.appUrl}/#${hash.toString()}`);

    // Short answers (a setting of this device) …
    await page.getByTestId('conversations-button').click();
    const sheet = page.getByTestId('conversations-sheet');
    await sheet.getByTestId('answer-length-short').click();
    await expect(sheet.getByTestId('answer-length-short')).toHaveAttribute('aria-checked', 'true');
    await sheet.getByRole('button', { name: 'Done' }).click();
    // … and a max price that buys 4 answer tokens (1,552 prompt tokens' bound at 1 credit per 1K, then 2 per 1K), so the demo model stops at its length and Continue is offered.
    await page.getByTestId('max-price-button').click();
    await page.getByTestId('max-price-input').fill('1.56');
    await page.getByTestId('max-price-sheet').getByRole('button', { name: 'Done' }).click();

    await expect(page.getByTestId('attestation-badge')).toContainText(/simulated/i);
    await page.getByTestId('message-input').fill(`Please repeat ${canary} and tell me about free software`);
    await page.getByTestId('send-button').click();
    const answer = page.getByTestId('message-assistant');
    await expect(page.getByTestId('job-cost')).toBeVisible();
    await expect(page.getByTestId('message-list')).toHaveAttribute('role', 'log');

    const bodies = async () => (await storedEverywhere(page)).split('\n').find((l) => l.startsWith('cocoon-conversations/bodies:')) ?? '';
    await expect.poll(bodies).toMatch(/^cocoon-conversations\/bodies:\[\{"id"/);
    const keptFirst = await bodies();

    // Continue: a new job whose text joins the same bubble, its helper turn not shown.
    const continueButton = page.getByTestId('answer-continue');
    await expect(continueButton).toBeVisible();
    const before = (await answer.getByTestId('message-assistant-text').innerText()).trim();
    await continueButton.click();
    await expect(page.getByTestId('job-cost')).toHaveCount(1);
    await expect(answer).toHaveAttribute('data-status', 'done');
    await expect(page.getByTestId('job-cost')).toBeVisible();
    await expect(answer).toHaveCount(1);
    await expect(page.getByTestId('message-user')).toHaveCount(1);
    const after = (await answer.getByTestId('message-assistant-text').innerText()).trim();
    expect(after.length).toBeGreaterThan(before.length);
    expect(after.startsWith(before.slice(0, 40))).toBe(true);

    // Kept after the turn: reopened on reload, in the list, and opened again from it.
    // Kept again (sealed anew) once the continuation finished.
    await expect.poll(bodies).not.toBe(keptFirst);
    await page.reload();
    await expect(page.getByTestId('message-user')).toContainText(canary);
    await expect(page.getByTestId('message-assistant-text')).toHaveText(after);
    await page.getByTestId('conversations-button').click();
    await expect(sheet.getByTestId('conversation-item')).toHaveCount(1);
    await expect(sheet.getByTestId('conversation-title')).toContainText(canary.slice(0, 20));
    await sheet.getByTestId('new-chat').click();
    await expect(page.getByTestId('message-user')).toHaveCount(0);
    await page.getByTestId('conversations-button').click();
    await sheet.getByTestId('conversation-search').fill('no such words');
    await expect(sheet.getByTestId('conversation-item')).toHaveCount(0);
    await sheet.getByTestId('conversation-search').fill('please REPEAT');
    await sheet.getByTestId('conversation-open').click();
    await expect(page.getByTestId('message-user')).toContainText(canary);

    // The composer's text is not kept in Chromium's session-restore file (it keeps form fields with autocomplete on).
    await expect(page.getByTestId('message-input')).toHaveAttribute('autocomplete', 'off');
    // Nothing of it in clear in localStorage or IndexedDB (the key itself is a non-extractable CryptoKey) …
    const stored = await storedEverywhere(page);
    const conversationId = await page.evaluate(() => localStorage.getItem('cocoon.conversation.current'));
    expect(conversationId).toMatch(/^[0-9a-f-]{36}$/);
    expect(stored).toContain(conversationId);
    expect(stored).toContain('CryptoKey(extractable=false)');
    expect(stored).not.toContain(canary);
    expect(stored).not.toContain('free software');

    // Edit the last message: back in the composer, sent again in place of the last turn.
    await page.getByTestId('message-edit').click();
    await expect(page.getByTestId('message-input')).toHaveValue(/^Please repeat/);
    await page.getByTestId('message-input').fill('What is copyleft?');
    await page.getByTestId('send-button').click();
    await expect(page.getByTestId('message-user')).toHaveText('What is copyleft?');
    await expect(page.getByTestId('job-cost')).toBeVisible();
    await expect(answer).toHaveCount(1);
    // Regenerate: a new job for the same question, still one turn.
    const jobId = await answer.getAttribute('data-job-id');
    await page.getByTestId('answer-regenerate').click();
    await expect(answer).not.toHaveAttribute('data-job-id', jobId ?? '');
    await expect(page.getByTestId('job-cost')).toBeVisible();
    await expect(page.getByTestId('message-user')).toHaveText('What is copyleft?');
  } finally {
    await context.close();
  }
  // … nor in the browser profile's files, where the conversation's id (a control) is found.
  try {
    const conversationFiles = join(profile, 'Default', 'IndexedDB');
    expect(filesUnder(conversationFiles).length).toBeGreaterThan(0);
    expect(inFiles(profile, 'cocoon-conversations')).toBe(true);
    expect(inFiles(profile, canary)).toBe(false);
    expect(inFiles(profile, 'free software')).toBe(false);
  } finally {
    rmSync(profile, { recursive: true, force: true });
  }
});
