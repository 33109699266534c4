import { parseArgs } from 'node:util';

/** Exit codes, as --help documents them. */
export const ExitCodes = { ok: 0, failure: 1, usage: 2 } as const;

export type Command =
  | { name: 'run'; config?: string; broker?: string[] }
  | { name: 'enroll'; config?: string; broker?: string[]; token: string; exit: boolean }
  | { name: 'doctor'; config?: string; broker?: string[]; json: boolean }
  | { name: 'status'; config?: string; json: boolean }
  | { name: 'help' }
  | { name: 'version' };

/** A wrong command line: exit code 2, with the message and a pointer to --help. */
export class UsageError extends Error {
  override name = 'UsageError';
}

const OPTIONS = {
  config: { type: 'string', short: 'c' },
  broker: { type: 'string', multiple: true },
  exit: { type: 'boolean' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'V' },
} as const;

/** Which options each command takes (besides --help and --version, which every command takes). */
const ALLOWED: Record<Exclude<Command['name'], 'help' | 'version'>, readonly string[]> = {
  run: ['config', 'broker'],
  enroll: ['config', 'broker', 'exit'],
  doctor: ['config', 'broker', 'json'],
  status: ['config', 'json'],
};

/** The command line (without node and the script), as a command; throws UsageError. */
export function parseCommandLine(argv: readonly string[]): Command {
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true, strict: true });
  } catch (e) {
    throw new UsageError(e instanceof Error ? e.message : String(e));
  }
  const { values, positionals } = parsed;
  if (values.help) return { name: 'help' };
  if (values.version) return { name: 'version' };
  // No command runs the agent: what a container or service manager starts.
  const [name = 'run', ...rest] = positionals;
  if (name === 'help') return { name: 'help' };
  if (name === 'version') return { name: 'version' };
  if (!(name in ALLOWED)) throw new UsageError(`unknown command '${name}' (expected enroll, run, doctor or status)`);
  const command = name as keyof typeof ALLOWED;
  for (const opt of Object.keys(values)) {
    if (!ALLOWED[command].includes(opt)) throw new UsageError(`'${command}' takes no --${opt}`);
  }
  const broker = values.broker?.flatMap((b) => b.split(',').map((s) => s.trim()).filter(Boolean));
  const common = { ...(values.config !== undefined && { config: values.config }), ...(broker && { broker }) };
  if (command === 'enroll') {
    if (rest.length !== 1) throw new UsageError('usage: cocoon-host enroll <token> --broker <url> [--config <file>] [--exit]');
    return { name: 'enroll', ...common, token: rest[0]!, exit: values.exit ?? false };
  }
  if (rest.length) throw new UsageError(`'${command}' takes no arguments (got ${rest.join(' ')})`);
  if (command === 'status') return { name: 'status', ...(values.config !== undefined && { config: values.config }), json: values.json ?? false };
  if (command === 'doctor') return { name: 'doctor', ...common, json: values.json ?? false };
  return { name: 'run', ...common };
}
