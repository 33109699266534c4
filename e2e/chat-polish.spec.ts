import { expect, test } from './support/fixtures';

test.describe('on a phone', () => {
  test.use({ hasTouch: true, isMobile: true });

  test('Return on a touch keyboard types a new line; the Send button sends', async ({ openApp }) => {
    const page = await openApp({ id: 8101, first_name: 'Tove' });
    const input = page.getByTestId('message-input');
    await expect(page.getByTestId('attestation-badge')).toContainText(/simulated/i);
    await input.fill('first line');
    await input.press('Enter');
    await input.pressSequentially('second line');
    await expect(input).toHaveValue('first line\nsecond line');
    await expect(page.getByTestId('message-user')).toHaveCount(0);
    await expect(input).toHaveAttribute('enterkeyhint', 'enter');
  });
});

test('a message over the limit is stopped before sending, its text kept, the limit in words', async ({ openApp }) => {
  const page = await openApp({ id: 8102, first_name: 'Edsger' });
  await expect(page.getByTestId('attestation-badge')).toContainText(/simulated/i);
  const input = page.getByTestId('message-input');
  const long = 'word '.repeat(4_000);
  await input.fill(long);
  await expect(page.getByTestId('composer-counter')).toHaveAttribute('data-over', 'true');
  await expect(page.getByTestId('composer-counter')).toHaveText('20,000 / 12,000');
  await expect(page.getByTestId('composer-note')).toContainText('at most 12,000 characters');
  await expect(page.getByTestId('send-button')).toBeDisabled();
  await input.press('Enter');
  await expect(page.getByTestId('message-user')).toHaveCount(0);
  await expect(input).toHaveValue(long);
  // Shortened to the limit, it can be sent again.
  await input.fill('word '.repeat(100));
  await expect(page.getByTestId('composer-counter')).toHaveCount(0);
  await expect(page.getByTestId('send-button')).toBeEnabled();
});

test('the attestation sheet says first, in plain words, that a simulated host is not confidential', async ({ openApp }) => {
  const page = await openApp({ id: 8103, first_name: 'Barbara' });
  await page.getByTestId('attestation-badge').click();
  const sheet = page.getByTestId('attestation-sheet');
  const plain = sheet.getByTestId('attestation-plain');
  await expect(plain).toBeVisible();
  await expect(plain).toHaveAttribute('data-verdict', 'simulated');
  await expect(plain).toContainText('What was checked, and what it means');
  await expect(plain).toContainText(/NOT confidential/);
  // Nothing green says "verified" above the warning: no finding about the hardware holds.
  await expect(plain.getByTestId('attestation-verdict')).toHaveCount(0);
  await expect(plain.locator('[data-finding="hardware"]')).toHaveAttribute('data-tone', 'bad');
  // The plain words come before anything technical; the check codes are one tap deeper.
  const order = await sheet.locator('[data-testid="attestation-plain"], [data-testid="attestation-technical"]').evaluateAll((els) => els.map((e) => e.getAttribute('data-testid')));
  expect(order).toEqual(['attestation-plain', 'attestation-technical']);
  const check = sheet.getByTestId('attestation-check').filter({ hasText: 'quote.signature' });
  await expect(check).toBeHidden();
  await sheet.getByTestId('attestation-technical').locator('summary').click();
  await expect(check).toBeVisible();
});

test('the chat speaks Russian to a Russian user', async ({ openApp }) => {
  const page = await openApp({ id: 8104, first_name: 'Андрей' }, { languageCode: 'ru' });
  await expect(page.getByTestId('message-input')).toHaveAttribute('placeholder', 'Сообщение');
  await expect(page.getByTestId('attestation-badge')).toContainText('Имитация');
  await expect(page.getByTestId('max-price-button')).toContainText('Не больше 5 кредитов за сообщение');
});
