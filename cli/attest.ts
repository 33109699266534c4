import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { CocoonError } from '@cocoon/shared/errors';
import { parseCollateral } from '@cocoon/shared/attestation/tdx/collateral';
import { verifyTdxQuote } from '@cocoon/shared/attestation/tdx/verify-quote';
import { AttestationPolicySchema, verifySignedPolicy, type AttestationPolicy } from '@cocoon/shared/attestation/policy';
import { verifyBundle } from '@cocoon/shared/attestation/verify';
import { formatHuman, toJsonReport, type AttestReport } from './attest-format';
import { Exit, type CliIo } from './cli';

interface Inputs {
  file: string;
  /** A raw quote's bytes, or a bundle's parsed JSON. */
  evidence: { kind: 'quote'; bytes: Uint8Array } | { kind: 'bundle'; json: unknown };
  collateral?: string;
  policy: AttestationPolicy;
  policySource: 'default' | 'plain' | 'signed';
  at: Date;
  json: boolean;
}

/** Input the command cannot work with: exit 2, with the reason. */
export class UnusableInput extends Error {}

/** What to tell the user about input that could not be used (never an internal message). */
export function unusableReason(e: unknown): string {
  return e instanceof UnusableInput || e instanceof CocoonError ? e.message : e instanceof Error && 'code' in e ? `cannot read input (${String(e.code)})` : 'unreadable input';
}

/** `--at`: an ISO time (date first), or now when absent. */
export function parseAt(value: string | undefined): Date {
  const at = value === undefined ? new Date() : new Date(value);
  if (Number.isNaN(at.getTime()) || (value !== undefined && !/^\d{4}-\d{2}-\d{2}/.test(value))) throw new UnusableInput(`--at is not an ISO time: ${value}`);
  return at;
}

const PARSE_CHECKS = new Set(['bundle.schema', 'claims.decode', 'quote.parse']);

/**
 * `cocoon attest verify <quote-or-bundle-file> [--collateral f] [--policy f] [--at ISO] [--json]`.
 * Exit 0 when every applicable check passes, 1 when one fails, 2 on unusable input.
 */
export async function attestVerify(args: string[], io: CliIo): Promise<number> {
  let inputs: Inputs;
  try {
    inputs = await readInputs(args);
  } catch (e) {
    io.stderr.write(`cocoon attest verify: ${unusableReason(e)}\nrun "cocoon --help" for usage\n`);
    return Exit.unusable;
  }
  const report = await verify(inputs);
  io.stdout.write(inputs.json ? `${JSON.stringify(toJsonReport(report), null, 2)}\n` : formatHuman(report));
  if (report.ok) return Exit.ok;
  const firstFailure = report.checks.find((c) => !c.ok && !c.skipped);
  return firstFailure && PARSE_CHECKS.has(firstFailure.name) ? Exit.unusable : Exit.failed;
}

async function verify(i: Inputs): Promise<AttestReport> {
  const common = { file: i.file, at: i.at, policySource: i.policySource };
  if (i.evidence.kind === 'quote') {
    const r = await verifyTdxQuote(i.evidence.bytes, { policy: i.policy, now: i.at, collateral: i.collateral });
    return { ...common, input: 'quote', tee: 'tdx', ...r };
  }
  const r = await verifyBundle(i.evidence.json, { policy: i.policy, now: i.at, collateral: i.collateral });
  return { ...common, input: 'bundle', ...r };
}

async function readInputs(args: string[]): Promise<Inputs> {
  const { values, positionals } = parseArgsOrThrow(args);
  if (positionals.length !== 1) throw new UnusableInput('expected exactly one quote or bundle file');
  const at = parseAt(values.at);
  const file = positionals[0]!;
  const evidence = evidenceOf(new Uint8Array(await readFile(file)));
  const collateral = values.collateral === undefined ? undefined : await readFile(values.collateral, 'utf8');
  if (collateral !== undefined) parseCollateral(collateral); // an unreadable collateral file is unusable input, not a failed check
  const { policy, source } = await readPolicy(values.policy, values['policy-key'] ?? [], at);
  return { file, evidence, collateral, policy, policySource: source, at, json: values.json ?? false };
}

function parseArgsOrThrow(args: string[]) {
  try {
    return parseArgs({
      args,
      allowPositionals: true,
      options: { collateral: { type: 'string' }, policy: { type: 'string' }, 'policy-key': { type: 'string', multiple: true }, at: { type: 'string' }, json: { type: 'boolean' } },
    });
  } catch (e) {
    throw new UnusableInput(e instanceof Error ? e.message : 'bad arguments');
  }
}

/** A bundle is JSON (starts with `{`); anything else is taken as a raw quote. */
function evidenceOf(bytes: Uint8Array): Inputs['evidence'] {
  const first = bytes.find((b) => b !== 0x20 && b !== 0x0a && b !== 0x0d && b !== 0x09);
  if (first !== 0x7b) return { kind: 'quote', bytes };
  try {
    return { kind: 'bundle', json: JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes)) };
  } catch {
    throw new UnusableInput('the file starts like JSON but is not a JSON attestation bundle');
  }
}

/** `--policy <file>` with `--policy-key`s: a signed policy (checked at `at`) or a plain one; the default without a file. */
export async function readPolicy(file: string | undefined, keys: string[], at: Date): Promise<{ policy: AttestationPolicy; source: Inputs['policySource'] }> {
  if (file === undefined) return { policy: { allowSimulated: false }, source: 'default' };
  let json: unknown;
  try {
    json = JSON.parse(await readFile(file, 'utf8'));
  } catch (e) {
    if (e instanceof SyntaxError) throw new UnusableInput('the policy file is not JSON');
    throw e;
  }
  if (json !== null && typeof json === 'object' && 'signature' in json) {
    if (keys.length === 0) throw new UnusableInput('a signed policy needs the operator key: --policy-key <base64url>');
    return { policy: await verifySignedPolicy(json, keys, at), source: 'signed' };
  }
  const plain = AttestationPolicySchema.safeParse(json);
  if (!plain.success) throw new UnusableInput(`the policy does not match the schema: ${plain.error.issues[0]?.path.join('.')}`);
  return { policy: plain.data, source: 'plain' };
}
