import { CocoonError } from '../../errors';
import { toHex } from '../../protocol/encoding';
import type { PolicyImage } from '../policy';
import type { TdReportBody } from './reports';

/** The TD's measurements and identity fields as lower-case hex, as results and the CLI report them. */
export function tdxMeasurements(body: TdReportBody): Record<string, string> {
  const m: Record<string, string> = {
    mrTd: toHex(body.mrTd),
    rtmr0: toHex(body.rtmr[0]),
    rtmr1: toHex(body.rtmr[1]),
    rtmr2: toHex(body.rtmr[2]),
    rtmr3: toHex(body.rtmr[3]),
    reportData: toHex(body.reportData),
    mrSeam: toHex(body.mrSeam),
    mrSignerSeam: toHex(body.mrSignerSeam),
    seamAttributes: toHex(body.seamAttributes),
    tdAttributes: toHex(body.tdAttributes),
    xfam: toHex(body.xfam),
    mrConfigId: toHex(body.mrConfigId),
    mrOwner: toHex(body.mrOwner),
    mrOwnerConfig: toHex(body.mrOwnerConfig),
    teeTcbSvn: toHex(body.teeTcbSvn),
  };
  if (body.teeTcbSvn2) m.teeTcbSvn2 = toHex(body.teeTcbSvn2);
  if (body.mrServiceTd) m.mrServiceTd = toHex(body.mrServiceTd);
  return m;
}

const IMAGE_FIELDS = ['mrTd', 'rtmr0', 'rtmr1', 'rtmr2', 'mrSeam', 'xfam', 'mrConfigId'] as const;

/**
 * The allowed image these measurements match: MRTD and RTMR0-2 always, MRSEAM / XFAM / MRCONFIGID
 * when the image names them. Otherwise `attestation.measurement_not_allowed`, naming the field.
 */
export function matchImage(m: Record<string, string>, images: readonly PolicyImage[]): PolicyImage {
  if (images.length === 0) throw new CocoonError('attestation.measurement_not_allowed', 'the policy allows no image');
  const differing = (img: PolicyImage) => IMAGE_FIELDS.find((f) => img[f] !== undefined && img[f]!.toLowerCase() !== m[f]);
  const image = images.find((img) => differing(img) === undefined);
  if (image) return image;
  const sameTd = images.find((img) => img.mrTd.toLowerCase() === m.mrTd);
  const reason = sameTd ? `${differing(sameTd)} differs from image "${sameTd.name}"` : `MRTD ${m.mrTd!.slice(0, 16)}... is in no allowed image`;
  throw new CocoonError('attestation.measurement_not_allowed', reason);
}
