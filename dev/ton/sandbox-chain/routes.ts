import { Address } from '@ton/core';
import { GetMethodError } from '@ton/sandbox';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import { RunGetMethodRequestSchema, SendBocRequestSchema, type RunGetMethodJson } from '@cocoon/server/ton/toncenter/schemas';
import { encodeAccount, encodeStack, encodeTransaction, masterchainInfo } from './encode';
import type { SandboxNetwork } from './network';

/** toncenter reports a bad request and a node-side failure with these statuses. */
const BAD_REQUEST = 422;
const NODE_ERROR = 500;

const AddressParam = z.string().transform((s, ctx) => {
  try {
    return Address.parse(s);
  } catch {
    ctx.addIssue({ code: 'custom', message: 'incorrect address' });
    return z.NEVER;
  }
});
const Lt = z.string().regex(/^\d+$/).transform(BigInt);
const TransactionsQuery = z.object({
  address: AddressParam,
  limit: z.coerce.number().int().min(1).max(100).default(10),
  lt: Lt.optional(),
  hash: z.string().optional(),
  to_lt: Lt.optional(),
  archival: z.string().optional(),
});

const ok = (result: unknown) => ({ ok: true, result });
const fail = (reply: FastifyReply, status: number, error: string) => reply.status(status).send({ ok: false, error, code: status });
const hashBytes = (s: string): Buffer => Buffer.from(s, /^[0-9a-fA-F]{64}$/.test(s) ? 'hex' : 'base64');

/** The toncenter v2 subset of chain.ts, served from the sandbox under `/api/v2/`. */
export function registerToncenterRoutes(app: FastifyInstance, network: SandboxNetwork): void {
  app.setErrorHandler((err, _req, reply) => fail(reply, err instanceof z.ZodError ? BAD_REQUEST : NODE_ERROR, err instanceof z.ZodError ? 'invalid parameters' : (err as Error).message));

  app.get('/api/v2/getMasterchainInfo', async () => ok(masterchainInfo(network.masterchainSeqno)));

  app.get('/api/v2/getAddressInformation', async (req) => {
    const { address } = z.object({ address: AddressParam }).parse(req.query);
    return ok(encodeAccount(await network.account(address), network.masterchainSeqno));
  });

  app.get('/api/v2/getTransactions', async (req, reply) => {
    const q = TransactionsQuery.parse(req.query);
    let rows = network.transactionsOf(q.address);
    if (q.lt !== undefined && q.hash !== undefined) {
      const hash = hashBytes(q.hash);
      const start = rows.findIndex((tx) => tx.lt === q.lt && tx.hash().equals(hash));
      if (start < 0) return fail(reply, NODE_ERROR, 'LITE_SERVER_UNKNOWN: transaction not found');
      rows = rows.slice(start);
    }
    if (q.to_lt !== undefined) rows = rows.filter((tx) => tx.lt > q.to_lt!);
    return ok(rows.slice(0, q.limit).map(encodeTransaction));
  });

  app.post('/api/v2/runGetMethod', async (req) => {
    const body = RunGetMethodRequestSchema.parse(req.body);
    const address = AddressParam.parse(body.address);
    const contract = await network.account(address);
    const result = (exit_code: number, stack: [string, unknown][] = [], gas_used = 0): RunGetMethodJson => ({ '@type': 'smc.runResult', gas_used, stack, exit_code });
    // An account without code answers like a node does: exit code -13, nothing on the stack.
    if (contract.accountState?.type !== 'active') return ok(result(-13));
    try {
      const r = await network.blockchain.runGetMethod(address, body.method, []);
      return ok(result(r.exitCode, encodeStack(r.stack), Number(r.gasUsed)));
    } catch (e) {
      if (e instanceof GetMethodError) return ok(result(e.exitCode, [], Number(e.gasUsed)));
      throw e;
    }
  });

  app.post('/api/v2/sendBoc', async (req, reply) => {
    const { boc } = SendBocRequestSchema.parse(req.body);
    try {
      await network.sendExternal(Buffer.from(boc, 'base64'));
    } catch (e) {
      return fail(reply, NODE_ERROR, `LITE_SERVER_UNKNOWN: cannot apply external message to current state: ${(e as Error).message.split('\n')[0]}`);
    }
    return ok({ '@type': 'ok' });
  });
}
