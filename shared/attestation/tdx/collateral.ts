import { z } from 'zod';
import { CocoonError } from '../../errors';
import { fromHex } from '../../protocol/encoding';
import { parseCertificateChain, type Certificate } from '../x509/certificate';
import { parseCrl, type Crl } from '../x509/crl';
import { TcbStatusSchema } from './tcb-status';

const hex = (bytes?: number) => z.string().regex(bytes ? new RegExp(`^[0-9a-fA-F]{${bytes * 2}}$`) : /^(?:[0-9a-fA-F]{2})+$/).transform((s) => s.toLowerCase());
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?Z$/).transform((s, ctx) => {
  const ms = Date.parse(s);
  if (Number.isNaN(ms)) ctx.addIssue({ code: 'custom', message: 'invalid date' });
  return ms;
});
const svn = z.number().int().min(0).max(0xffff);
const level = <T extends z.ZodTypeAny>(tcb: T) => z.object({ tcb, tcbDate: isoDate, tcbStatus: TcbStatusSchema, advisoryIDs: z.array(z.string()).optional() });
const components = z.array(z.object({ svn })).length(16);

/** Intel PCS TCB info v3 for TDX (PCS API v4 `tdx/certification/v4/tcb`), the fields verification uses. */
export const TdxTcbInfoSchema = z.object({
  id: z.literal('TDX'),
  version: z.literal(3),
  issueDate: isoDate,
  nextUpdate: isoDate,
  fmspc: hex(6),
  pceId: hex(2),
  tcbEvaluationDataNumber: z.number().int(),
  tdxModule: z.object({ mrsigner: hex(48), attributes: hex(8), attributesMask: hex(8) }),
  tdxModuleIdentities: z
    .array(z.object({ id: z.string(), mrsigner: hex(48), attributes: hex(8), attributesMask: hex(8), tcbLevels: z.array(level(z.object({ isvsvn: svn }))).min(1) }))
    .optional(),
  tcbLevels: z.array(level(z.object({ sgxtcbcomponents: components, pcesvn: svn, tdxtcbcomponents: components }))).min(1),
});
export type TdxTcbInfo = z.output<typeof TdxTcbInfoSchema>;

/** Intel PCS QE identity v2 of the TD Quoting Enclave (`tdx/certification/v4/qe/identity`). */
export const TdQeIdentitySchema = z.object({
  id: z.literal('TD_QE'),
  version: z.literal(2),
  issueDate: isoDate,
  nextUpdate: isoDate,
  tcbEvaluationDataNumber: z.number().int(),
  miscselect: hex(4),
  miscselectMask: hex(4),
  attributes: hex(16),
  attributesMask: hex(16),
  mrsigner: hex(32),
  isvprodid: z.number().int().min(0).max(0xffff),
  tcbLevels: z.array(level(z.object({ isvsvn: svn }))).min(1),
});
export type TdQeIdentity = z.output<typeof TdQeIdentitySchema>;

/**
 * Pre-fetched Intel collateral, in the JSON shape of Phala's dcap-qvl `QuoteCollateralV3`
 * (shared/testing/vectors/phala-tdx-v4-collateral.json): signed JSON texts, raw r||s signatures and DER
 * CRLs in hex, PEM issuer chains.
 */
export const CollateralSchema = z.object({
  pck_crl_issuer_chain: z.string().max(16_384),
  root_ca_crl: hex(),
  pck_crl: hex(),
  tcb_info_issuer_chain: z.string().max(16_384),
  tcb_info: z.string().max(131_072),
  tcb_info_signature: hex(64),
  qe_identity_issuer_chain: z.string().max(16_384),
  qe_identity: z.string().max(65_536),
  qe_identity_signature: hex(64),
});
/** Collateral as JSON carries it: what a bundle's `collateral` holds, serialized. */
export type CollateralJson = z.input<typeof CollateralSchema>;

export interface ParsedCollateral {
  tcbInfoText: string;
  tcbInfo: TdxTcbInfo;
  tcbInfoSignature: Uint8Array;
  tcbInfoChain: Certificate[];
  qeIdentityText: string;
  qeIdentity: TdQeIdentity;
  qeIdentitySignature: Uint8Array;
  qeIdentityChain: Certificate[];
  rootCaCrl: Crl;
  pckCrl: Crl;
}

/** Parses collateral JSON (text or value); `attestation.collateral_invalid` when anything is off. */
export function parseCollateral(input: string | unknown): ParsedCollateral {
  const c = CollateralSchema.safeParse(typeof input === 'string' ? jsonOf(input, 'collateral') : input);
  if (!c.success) throw new CocoonError('attestation.collateral_invalid', `collateral does not match the schema: ${c.error.issues[0]?.path.join('.')}`);
  const tcbInfo = TdxTcbInfoSchema.safeParse(jsonOf(c.data.tcb_info, 'TCB info'));
  if (!tcbInfo.success) throw new CocoonError('attestation.collateral_invalid', `TCB info is not TDX TCB info v3: ${tcbInfo.error.issues[0]?.path.join('.')}`);
  const qe = TdQeIdentitySchema.safeParse(jsonOf(c.data.qe_identity, 'QE identity'));
  if (!qe.success) throw new CocoonError('attestation.collateral_invalid', `QE identity is not a TD QE identity v2: ${qe.error.issues[0]?.path.join('.')}`);
  return {
    tcbInfoText: c.data.tcb_info,
    tcbInfo: tcbInfo.data,
    tcbInfoSignature: fromHex(c.data.tcb_info_signature),
    tcbInfoChain: chainOf(c.data.tcb_info_issuer_chain, 'TCB info issuer chain'),
    qeIdentityText: c.data.qe_identity,
    qeIdentity: qe.data,
    qeIdentitySignature: fromHex(c.data.qe_identity_signature),
    qeIdentityChain: chainOf(c.data.qe_identity_issuer_chain, 'QE identity issuer chain'),
    rootCaCrl: parseCrl(fromHex(c.data.root_ca_crl)),
    pckCrl: parseCrl(fromHex(c.data.pck_crl)),
  };
}

function jsonOf(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch (cause) {
    throw new CocoonError('attestation.collateral_invalid', `${what} is not JSON`, { cause });
  }
}

function chainOf(pem: string, what: string): Certificate[] {
  try {
    return parseCertificateChain(pem);
  } catch (cause) {
    throw new CocoonError('attestation.collateral_invalid', `${what}: ${cause instanceof CocoonError ? cause.message : 'unreadable'}`, { cause });
  }
}
