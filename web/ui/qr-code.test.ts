import { describe, expect, it } from 'vitest';
import { qrPath } from './QrCode';

describe('QR code of the enrollment command', () => {
  it('encodes a long command at a size a phone camera reads', () => {
    const command = `npx cocoon-host enroll ${'a'.repeat(43)} --broker https://broker.example.org`;
    const { size, path } = qrPath(command);
    // Version n has 17 + 4n modules; ~100 bytes at level M fit version 5-7.
    expect((size - 17) % 4).toBe(0);
    expect(size).toBeGreaterThanOrEqual(37);
    expect(size).toBeLessThanOrEqual(45);
    // The three finder patterns: the top-left module of each is dark.
    expect(path.startsWith('M0 0h1v1h-1z')).toBe(true);
    expect(path).toContain(`M${size - 7} 0h1v1h-1z`);
    expect(path).toContain(`M0 ${size - 7}h1v1h-1z`);
  });

  it('gives the same code for the same text and another for other text', () => {
    expect(qrPath('abc').path).toBe(qrPath('abc').path);
    expect(qrPath('abc').path).not.toBe(qrPath('abd').path);
  });
});
