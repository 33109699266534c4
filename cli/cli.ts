import { attestVerify } from './attest';
import { attestVerifyGpu } from './attest-gpu';

export interface CliIo {
  stdout: { write(s: string): unknown };
  stderr: { write(s: string): unknown };
}

/** Exit codes: 0 every applicable check passed, 1 a check failed, 2 unusable input or usage. */
export const Exit = { ok: 0, failed: 1, unusable: 2 } as const;

export const USAGE = `usage: cocoon attest verify <quote-or-bundle-file> [--collateral <file>] [--policy <file> [--policy-key <base64url>]...] [--at <ISO time>] [--json]

  Verifies an Intel TDX quote (raw binary) or an attestation bundle (JSON) offline.
  --collateral  Intel collateral JSON (TCB info, QE identity, CRLs); without it TCB checks are skipped
  --policy      a policy JSON, plain or signed; a signed one is checked against --policy-key
  --at          the time of every validity and freshness check (default: now)
  --json        machine-readable output
  exit status: 0 every applicable check passed, 1 a check failed, 2 unusable input

usage: cocoon attest verify-gpu <nvidia-evidence.json> [--nonce <hex>] [--reference <file> | --policy <file> [--policy-key <base64url>]...] [--at <ISO time>] [--json]

  Verifies NVIDIA GPU evidence as NVIDIA's tools write it (a JSON list of { arch, certificate,
  evidence, nonce }) offline: each report's signature, its chain to the pinned NVIDIA root, its
  nonce, CC mode on as the signed report states it, and debug off by comparing its measurements
  with NVIDIA's reference measurements (RIM); a report that states no CC mode passes only by that
  match too. Prints what each report says.
  --nonce       the 32-byte hex nonce every report must carry (default: each entry's own nonce field,
                which proves no freshness)
  --reference   a JSON list of reference measurement sets, as the policy's gpuReferences
                ({ name, driverVersion?, vbiosVersion?, ccMode: true, measurements: { index: hex } });
                without --reference or --policy, debug_off fails
  --policy      a policy JSON, plain or signed (with --policy-key): its gpuReferences and GPU firmware allowlist
  exit status: 0 every GPU passed, 1 a check failed, 2 unusable input
`;

/** The `cocoon` command line: dispatches subcommands, never throws, returns the exit code. */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const [group, command, ...rest] = argv;
  if (group === 'attest' && command === 'verify') return attestVerify(rest, io);
  if (group === 'attest' && command === 'verify-gpu') return attestVerifyGpu(rest, io);
  const help = group === undefined || group === '--help' || group === '-h' || group === 'help';
  (help ? io.stdout : io.stderr).write(USAGE);
  return help ? Exit.ok : Exit.unusable;
}
