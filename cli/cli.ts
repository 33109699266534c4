import { attestVerify } from './attest';

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
`;

/** The `cocoon` command line: dispatches subcommands, never throws, returns the exit code. */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const [group, command, ...rest] = argv;
  if (group === 'attest' && command === 'verify') return attestVerify(rest, io);
  const help = group === undefined || group === '--help' || group === '-h' || group === 'help';
  (help ? io.stdout : io.stderr).write(USAGE);
  return help ? Exit.ok : Exit.unusable;
}
