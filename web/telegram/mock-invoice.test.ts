import { describe, expect, it } from 'vitest';
import { invoiceLinkOf } from './mock-invoice';

describe('invoiceLinkOf', () => {
  it('keeps a whole stand-in link passed as the slug', () => {
    expect(invoiceLinkOf('http://127.0.0.1:4000/invoice/abc')).toBe('http://127.0.0.1:4000/invoice/abc');
  });

  it('turns a t.me slug back into its link', () => {
    expect(invoiceLinkOf('kJNFS331')).toBe('https://t.me/$kJNFS331');
  });
});
