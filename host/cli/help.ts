import { CONFIG_FILE_ENV, DEFAULT_CONFIG_FILE, SETTINGS } from '../config';
import { AGENT_VERSION } from '../version';

/** `cocoon-host --help`: every command, option, setting, environment variable and exit code. */
export function helpText(): string {
  const width = Math.max(...Object.keys(SETTINGS).map((k) => k.length));
  const envWidth = Math.max(...Object.values(SETTINGS).map((s) => s.env.length));
  const settings = Object.entries(SETTINGS).map(([key, s]) => `  ${key.padEnd(width)}  ${s.env.padEnd(envWidth)}  ${s.doc}`);
  return `cocoon-host ${AGENT_VERSION}: the Cocoon GPU host agent. It serves confidential AI jobs from an
OpenAI-compatible engine (vLLM) in a TDX confidential VM and earns TON for its owner.

Usage:
  cocoon-host enroll <token> --broker <url> [--config <file>] [--exit]
      Create this machine's node key if missing, enroll it with the one-time token from
      Add machine in the app, save the broker, then keep serving (--exit: stop once enrolled).
  cocoon-host run [--config <file>] [--broker <url>]
      Serve jobs (the default command). Enrolled machines need no token.
  cocoon-host doctor [--config <file>] [--broker <url>] [--json]
      Check, one by one, whether this machine is ready to serve; exit 0 only when it is.
  cocoon-host status [--config <file>] [--json]
      Ask the running agent's /healthz and print its state; exit 1 when it is not running.
  cocoon-host --help | --version

Options:
  -c, --config <file>   JSON config file (default ${DEFAULT_CONFIG_FILE}, or ${CONFIG_FILE_ENV});
                        the default path may be absent, a named one must exist
  --broker <url>        broker as the app shows it (https://broker.example) or a ws(s)://…/api/host
                        URL; repeat it or separate with commas for fallbacks, tried in turn
  --exit                enroll only: exit once enrolled instead of serving
  --json                doctor, status: print JSON
  -h, --help            this text
  -V, --version         the agent's version

Settings (config file key, then the environment variable that overrides it):
${settings.join('\n')}
  ${CONFIG_FILE_ENV}: the config file, when --config is not given.

On SIGTERM or SIGINT the agent drains: it tells the broker, refuses new jobs, lets running ones
finish (up to drainTimeoutS), then exits 0. It reconnects to the broker with exponential backoff
and jitter, rotating through the broker list.

Exit codes:
  0  ok (served and drained, enrolled with --exit, doctor: ready, status: running)
  1  failure (cannot start, refused by the broker, doctor: not ready, status: not running)
  2  bad usage or configuration (every bad value is listed)
`;
}
