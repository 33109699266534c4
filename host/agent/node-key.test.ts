import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { hostIdFromNodeKey, signNodeHello, verifyNodeHello } from '@cocoon/shared/protocol/node-key';
import { enrollmentStateFile, isEnrolled, readEnrollment, writeEnrollment } from './enrollment-state';
import { inspectNodeKeyFile, loadOrCreateNodeKey } from './node-key';

const dir = mkdtempSync(join(tmpdir(), 'cocoon-node-key-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const mode = (p: string) => statSync(p).mode & 0o777;

describe('the node key', () => {
  it('is created once, PKCS#8 PEM, 0600 in a 0700 directory, and its public key is the host id', async () => {
    const file = join(dir, 'a', 'state', 'node.key');
    const created = await loadOrCreateNodeKey(file);
    expect(created.created).toBe(true);
    expect([mode(file), mode(join(dir, 'a', 'state'))]).toEqual([0o600, 0o700]);
    expect(readFileSync(file, 'utf8')).toMatch(/^-----BEGIN PRIVATE KEY-----\n[\s\S]+\n-----END PRIVATE KEY-----\n$/);
    expect(created.hostId).toBe(hostIdFromNodeKey(created.publicKey));
    expect(created.hostId).toMatch(/^[a-z2-7]{52}$/);

    const again = await loadOrCreateNodeKey(file);
    expect([again.created, again.hostId]).toEqual([false, created.hostId]);
    const challenge = crypto.getRandomValues(new Uint8Array(32));
    expect(await verifyNodeHello(challenge, created.hostId, await signNodeHello(challenge, again.hostId, again.privateKey))).toBe(true);
  });

  it('refuses a key file that group or others can read, saying how to fix it', async () => {
    const file = join(dir, 'open.key');
    await loadOrCreateNodeKey(file);
    for (const m of [0o640, 0o604, 0o644]) {
      chmodSync(file, m);
      expect(inspectNodeKeyFile(file)).toEqual({ state: 'too_open', mode: m });
      await expect(loadOrCreateNodeKey(file)).rejects.toMatchObject({ code: 'config.invalid', message: `node key ${file} has mode 0${m.toString(8)}: it must be readable by its owner only (run: chmod 600 ${file})` });
    }
    chmodSync(file, 0o400);
    await expect(loadOrCreateNodeKey(file)).resolves.toMatchObject({ created: false });
  });

  it('refuses what is not an Ed25519 PEM key, and a directory in its place', async () => {
    const junk = join(dir, 'junk.key');
    writeFileSync(junk, 'not a key', { mode: 0o600 });
    await expect(loadOrCreateNodeKey(junk)).rejects.toMatchObject({ code: 'config.invalid', message: `node key ${junk} is not a PEM private key` });
    const rsa = join(dir, 'rsa.key');
    const { privateKey } = (await import('node:crypto')).generateKeyPairSync('rsa', { modulusLength: 1024 });
    writeFileSync(rsa, privateKey.export({ format: 'pem', type: 'pkcs8' }), { mode: 0o600 });
    await expect(loadOrCreateNodeKey(rsa)).rejects.toMatchObject({ message: 'the node key file holds no Ed25519 private key' });
    const d = join(dir, 'dir.key');
    mkdirSync(d);
    await expect(loadOrCreateNodeKey(d)).rejects.toMatchObject({ message: `node key ${d} is not a regular file` });
  });
});

describe('the enrollment state', () => {
  it('is saved beside the node key, 0600, and covers one node id with one broker', async () => {
    const file = join(dir, 'e', 'node.key');
    const { hostId } = await loadOrCreateNodeKey(file);
    expect(readEnrollment(file)).toBeNull();
    writeEnrollment(file, { hostId, broker: 'https://broker.example', enrolledAt: '2026-12-01T10:00:00.000Z' });
    expect(enrollmentStateFile(file)).toBe(join(dir, 'e', 'enrollment.json'));
    expect(mode(enrollmentStateFile(file))).toBe(0o600);
    const state = readEnrollment(file);
    expect(state).toEqual({ hostId, broker: 'https://broker.example', enrolledAt: '2026-12-01T10:00:00.000Z' });
    expect(isEnrolled(state, hostId, ['https://other.example', 'https://broker.example'])).toBe(true);
    expect(isEnrolled(state, hostId, ['https://other.example'])).toBe(false);
    expect(isEnrolled(state, 'a'.repeat(52), ['https://broker.example'])).toBe(false);
  });

  it('reads a damaged file as no enrollment (the agent then enrolls again)', () => {
    const file = join(dir, 'damaged', 'node.key');
    mkdirSync(join(dir, 'damaged'));
    writeFileSync(enrollmentStateFile(file), '{"hostId": 1');
    expect(readEnrollment(file)).toBeNull();
    writeFileSync(enrollmentStateFile(file), '{"hostId": "x", "broker": "b", "enrolledAt": "yesterday"}');
    expect(readEnrollment(file)).toBeNull();
  });
});
