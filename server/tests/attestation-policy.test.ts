import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { signPolicy, verifySignedPolicy } from '@cocoon/shared/attestation/policy';
import { generateSigningKeyPair, type SigningKeyPair } from '@cocoon/shared/crypto/ed25519';
import { isCocoonError } from '@cocoon/shared/errors';
import { AttestationPolicyResponseSchema } from '@cocoon/shared/protocol/api';
import { toB64u } from '@cocoon/shared/protocol/encoding';
import { loadAttestationPolicy } from '../attestation/policy';
import { loadConfig } from '../config';
import { createFakeIdentity, sayHello } from './support/fake-host';
import { buildTestServer, enrollToken, startTestServer } from './support/test-server';

const dir = mkdtempSync(join(tmpdir(), 'policy-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const BOT = '123456:ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const in1h = Math.floor(Date.now() / 1000) + 3600;

type Engine = Parameters<typeof signPolicy>[0]['engines'][number];

async function policyFile(allowSimulated: boolean, expiresAt = in1h, sequence = 1, operator?: SigningKeyPair, engines: Engine[] = []) {
  operator ??= await generateSigningKeyPair();
  const signed = await signPolicy({ version: 2, sequence, allowSimulated, images: [], engines, webBuilds: [], gpuReferences: [], acceptedTcbStatuses: ['UpToDate'], maxCollateralAgeDays: 30, expiresAt }, operator);
  const file = join(dir, `policy-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(file, JSON.stringify(signed));
  return { file, key: toB64u(operator.publicKey), signed };
}

/** GET /api/attestation/policy on an in-process broker. */
async function servedPolicy(env: Record<string, string>) {
  const { server } = buildTestServer(env);
  try {
    const res = await server.app.inject({ method: 'GET', url: '/api/attestation/policy' });
    return { status: res.statusCode, body: AttestationPolicyResponseSchema.parse(res.json()) };
  } finally {
    await server.close();
  }
}

describe('the broker attestation policy', () => {
  it('without a policy file: refuses to start, unless only simulated hosts are allowed, and then admits no TDX image', async () => {
    const refused = await loadAttestationPolicy(loadConfig({ BOT_TOKEN: BOT })).catch((e: unknown) => e);
    expect(isCocoonError(refused, 'config.invalid') && refused.message).toMatch(/^ATTESTATION_POLICY_FILE is required/);
    const { server } = buildTestServer({ ALLOW_SIMULATED_TEE: 'false' });
    await expect(server.app.ready()).rejects.toMatchObject({ code: 'config.invalid' });
    expect(await loadAttestationPolicy(loadConfig({ BOT_TOKEN: BOT, ALLOW_SIMULATED_TEE: 'true' }))).toEqual({ policy: { allowSimulated: true, images: [] }, sequence: null, signed: null });
  });

  it('refuses to start with a policy older than one this deployment has loaded (rollback), across restarts', async () => {
    const operator = await generateSigningKeyPair();
    const [v3, v2, v4] = [await policyFile(true, in1h, 3, operator), await policyFile(true, in1h, 2, operator), await policyFile(true, in1h, 4, operator)];
    const data = join(dir, `pglite-${Math.random().toString(36).slice(2)}`);
    const boot = async (p: { file: string; key: string }) => {
      const { server } = buildTestServer({ DATA_DIR: data, ATTESTATION_POLICY_FILE: p.file, ATTESTATION_POLICY_KEYS: p.key, ALLOW_SIMULATED_TEE: 'true' });
      try {
        await server.app.ready();
        return 'started';
      } catch (e) {
        return isCocoonError(e) ? `${e.code}: ${e.message}` : String(e);
      } finally {
        await server.close().catch(() => {});
      }
    };
    expect(await boot(v3)).toBe('started');
    expect(await boot(v3)).toBe('started');
    expect(await boot(v2)).toBe('attestation.policy_rollback: ATTESTATION_POLICY_FILE has sequence 2, older than 3, which this deployment has already loaded');
    expect(await boot(v4)).toBe('started');
    expect(await boot(v3)).toMatch(/^attestation.policy_rollback: .* sequence 3, older than 4/);
  });

  it('loads a policy signed by a pinned operator key; the simulated TEE needs both to consent', async () => {
    const p = await policyFile(true);
    const { policy, signed } = await loadAttestationPolicy(loadConfig({ BOT_TOKEN: BOT, ATTESTATION_POLICY_FILE: p.file, ATTESTATION_POLICY_KEYS: p.key, ALLOW_SIMULATED_TEE: 'false' }));
    expect(policy).toMatchObject({ allowSimulated: false, acceptedTcbStatuses: ['UpToDate'], images: [], engines: [] });
    expect(signed).toEqual(p.signed);
  });

  it('refuses to start with a policy signed by another key, or an expired one', async () => {
    const p = await policyFile(true);
    const other = await generateSigningKeyPair();
    const forged = await loadAttestationPolicy(loadConfig({ BOT_TOKEN: BOT, ATTESTATION_POLICY_FILE: p.file, ATTESTATION_POLICY_KEYS: toB64u(other.publicKey) })).catch((e: unknown) => e);
    expect(isCocoonError(forged, 'attestation.policy_invalid')).toBe(true);
    const old = await policyFile(true, Math.floor(Date.now() / 1000) - 1);
    const expired = await loadAttestationPolicy(loadConfig({ BOT_TOKEN: BOT, ATTESTATION_POLICY_FILE: old.file, ATTESTATION_POLICY_KEYS: old.key })).catch((e: unknown) => e);
    expect(isCocoonError(expired, 'attestation.policy_expired')).toBe(true);
    expect(() => loadConfig({ BOT_TOKEN: BOT, ATTESTATION_POLICY_FILE: p.file })).toThrow(/ATTESTATION_POLICY_KEYS/);
  });

  it('serves the signed policy as the operator signed it, for the Mini App to verify', async () => {
    const p = await policyFile(true);
    const { status, body } = await servedPolicy({ ATTESTATION_POLICY_FILE: p.file, ATTESTATION_POLICY_KEYS: p.key });
    expect(status).toBe(200);
    expect(body.signedPolicy).toEqual(p.signed);
    // What a client receives verifies against the operator key, byte for byte.
    expect((await verifySignedPolicy(body.signedPolicy, [p.key])).sequence).toBe(1);
  });

  it('serves null without a policy file', async () => {
    expect(await servedPolicy({})).toEqual({ status: 200, body: { signedPolicy: null } });
  });

  it('a host that fails the policy is refused at enrollment and told why, and never offered to clients', async () => {
    const p = await policyFile(false);
    const t = await startTestServer({ ALLOW_SIMULATED_TEE: 'true', ATTESTATION_POLICY_FILE: p.file, ATTESTATION_POLICY_KEYS: p.key });
    try {
      const socket = await sayHello(t.wsUrl, await createFakeIdentity(), { enrollToken: await enrollToken(t) });
      expect(await socket.next()).toEqual({ type: 'error', error: { code: 'attestation.simulated_not_allowed', message: expect.any(String) } });
      expect((await socket.closed).code).toBe(1008);
      const models = (await (await fetch(`${t.url}/api/models`)).json()) as { models: unknown[] };
      expect(models.models).toEqual([]);
    } finally {
      await t.close();
    }
  });

  it('a host whose engine the policy does not list (or lists with other arguments) is refused at enrollment', async () => {
    const identity = await createFakeIdentity();
    const listed: Engine = { name: 'fake-1', imageDigest: identity.claims.engine.imageDigest, version: identity.claims.engine.version, args: identity.claims.engine.args, models: { 'demo/tiny': 'ab'.repeat(32) } };
    const cases: [Engine[], string][] = [
      [[{ ...listed, args: ['--trust-remote-code'] }], 'attestation.engine_not_allowed'],
      [[], 'attestation.engine_not_allowed'],
      [[listed], 'host.welcome'],
    ];
    for (const [engines, expected] of cases) {
      const p = await policyFile(true, in1h, 1, undefined, engines);
      const t = await startTestServer({ ALLOW_SIMULATED_TEE: 'true', ATTESTATION_POLICY_FILE: p.file, ATTESTATION_POLICY_KEYS: p.key });
      try {
        const socket = await sayHello(t.wsUrl, identity, { enrollToken: await enrollToken(t) });
        const reply = z.object({ type: z.string(), error: z.object({ code: z.string() }).optional() }).parse(await socket.next());
        expect(reply.error?.code ?? reply.type).toBe(expected);
        socket.close();
      } finally {
        await t.close();
      }
    }
  });
});
