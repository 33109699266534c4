import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { assertFuzz } from '@cocoon/shared/testing/fuzz/harness';
import { serverTargets } from '../tests/fuzz/server-targets';
import { UpdateSchema } from './types';

const target = serverTargets.find((t) => t.name === 'server.telegram-update')!;

describe('fuzz: Bot API updates and answers on the recorded fixtures, fixed seed', () => {
  it(`${target.name}: ${target.testRuns} inputs, safeParse never throws, nothing unstorable passes`, () => assertFuzz(target), 60_000);
});

describe('fuzz findings: Bot API updates', () => {
  it('server.telegram-update: a successful payment whose invoice_payload holds NUL fails the schema (Postgres refused it: the webhook answered 500 and Telegram retried)', () => {
    const update = JSON.parse(readFileSync(new URL('./fixtures/successful-payment.json', import.meta.url), 'utf8')) as { message: { successful_payment: { invoice_payload: string } } };
    expect(UpdateSchema.safeParse(update).success).toBe(true);
    update.message.successful_payment.invoice_payload = 'cc1.\u0000';
    expect(UpdateSchema.safeParse(update).success).toBe(false);
  });
});
