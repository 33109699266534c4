import { CocoonError } from '@cocoon/shared/errors';
import { costOf, formatCredits } from '@cocoon/shared/pricing';
import { canonicalJson, fromB64u } from '@cocoon/shared/protocol/encoding';
import { verifyReceipt } from '@cocoon/shared/receipt';
import { createBrokerApi, type BrokerApi } from './broker/broker-api';
import type { ProxyConfig } from './config';
import { fileReceiptLog } from './records/receipt-log';

export interface VerifyCheck {
  name: string;
  ok: boolean;
  reason: string;
}

export interface VerifyReport {
  requestId: string;
  ok: boolean;
  checks: VerifyCheck[];
}

const UUID = /([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})/i;

/**
 * `cocoon-proxy verify <request id>`: re-checks one answer. The local record (kept when the answer
 * settled) holds the receipt and the signing key of the attested host it came from; the receipt
 * must verify with that key and what was charged must be its cost. Then the broker's record of the
 * job (`GET /api/developer/generation/:id`) must hold the same signed receipt and charge. A check
 * that cannot be made fails.
 */
export async function verifyRequest(config: ProxyConfig, requestIdArg: string, api: BrokerApi = createBrokerApi(config.brokerUrl)): Promise<VerifyReport> {
  const requestId = UUID.exec(requestIdArg)?.[1]?.toLowerCase() ?? requestIdArg;
  const checks: VerifyCheck[] = [];
  const check = (name: string, ok: boolean, reason: string) => checks.push({ name, ok, reason });
  const record = await fileReceiptLog(config.dataDir).find(requestId);
  if (!record) {
    check('local.record', false, `no receipt for ${requestId} in ${config.dataDir}/receipts.jsonl (answers are recorded by the proxy that served them)`);
    return { requestId, ok: false, checks };
  }
  const key = fromB64u(record.signingPublicKey);
  const r = record.receipt.receipt;
  check('local.record', true, `${r.model} on host ${record.hostId} (${record.tee}), ${r.promptTokens} prompt + ${r.completionTokens} completion tokens, finish ${r.finishReason}, at ${record.at}`);
  check('receipt.signature', await verifyReceipt(record.receipt, key), `signed by the enclave key host ${record.hostId} attested (${record.signingPublicKey.slice(0, 12)}…)`);
  const expected = costOf(record.price, r, BigInt(record.priceCoefficientMilli));
  check('receipt.charge', expected === record.charged, `charged ${formatCredits(record.charged)} credits; the receipt at the job's price comes to ${formatCredits(expected)}`);

  const credential = config.apiKey;
  let generation;
  try {
    if (!credential) throw new CocoonError('apikey.invalid', 'no API key (--key or COCOON_API_KEY) to ask the broker with');
    generation = await api.generation(credential, requestId);
  } catch (e) {
    check('broker.record', false, `the broker's record of the job could not be read: ${e instanceof Error ? e.message : String(e)}`);
    return { requestId, ok: false, checks };
  }
  if (!generation.receipt) {
    check('broker.record', false, `the broker holds no receipt for the job (status ${generation.status})`);
    return { requestId, ok: false, checks };
  }
  check('broker.record', true, `status ${generation.status}, finish ${generation.finishReason ?? 'none'}`);
  const same = canonicalJson(generation.receipt) === canonicalJson(record.receipt);
  check('broker.receipt', same && (await verifyReceipt(generation.receipt, key)), same ? 'the broker settled from the same receipt, signed by the attested key' : 'the broker settled from another receipt than the one this proxy received');
  check('broker.charge', generation.cost === record.charged, `the broker's ledger moved ${formatCredits(generation.cost)} credits for it; this proxy was told ${formatCredits(record.charged)}`);
  return { requestId, ok: checks.every((c) => c.ok), checks };
}

export function formatReport(report: VerifyReport): string {
  const lines = report.checks.map((c) => `${c.ok ? '✓' : '✗'} ${c.name}: ${c.reason}`);
  return [`request ${report.requestId}`, ...lines, report.ok ? 'verified' : 'NOT verified'].join('\n');
}
