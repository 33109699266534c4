import { CocoonError, isCocoonError } from '@cocoon/shared/errors';
import { writeEnrollment } from '../agent/enrollment-state';
import { createHostAgent, type HostAgent } from '../agent/host-agent';
import { createLogger } from '../agent/logger';
import { parseBrokerUrl } from '../broker-url';
import { loadSettings } from '../config';
import { startHealthServer, type HealthServer } from '../ops/health-server';
import { setUpAgent } from './agent-setup';
import { ExitCodes } from './args';
import type { CliIo } from './io';

export interface ServeOptions {
  config?: string;
  broker?: string[];
  /** `enroll <token>`: the one-time token from the app. */
  token?: string;
  /** `enroll --exit`: stop once enrolled instead of serving. */
  exitWhenEnrolled?: boolean;
}

/**
 * `run` and `enroll`: start the agent, report it online, serve until SIGTERM/SIGINT, then drain.
 * Resolves with the exit code. Prints `cocoon-host <hostId> is online (engine <url>)` once
 * welcomed: the development stack and operators' scripts wait for that line.
 */
export async function serve(opts: ServeOptions, io: CliIo): Promise<number> {
  const { settings } = loadSettings({ env: io.env, file: opts.config, overrides: { broker: opts.broker, enrollToken: opts.token } });
  const logger = createLogger(settings.logLevel);
  const setup = await setUpAgent(settings, io.env);
  if (setup.nodeKey.created) io.out(`created node key ${settings.nodeKeyFile} (host id ${setup.nodeKey.hostId})`);
  if (!setup.enrollment && !settings.enrollToken) {
    logger.warn('this machine has no saved enrollment and no token: the broker accepts it only if it already knows this node key');
  }
  let fatal: CocoonError | undefined;
  let stopRequested: (() => void) | undefined;
  const stopped = new Promise<void>((r) => (stopRequested = r));
  const agent: HostAgent = createHostAgent(setup.config, {
    logger,
    onFatal: (e) => {
      fatal = e;
      stopRequested?.();
    },
  });

  let health: HealthServer | undefined;
  if (settings.metricsAddr !== 'off') {
    try {
      health = await startHealthServer(settings.metricsAddr, agent);
      logger.info({ url: health.url }, 'serving /healthz and /metrics');
    } catch (e) {
      // Serving jobs matters more than its metrics: say so loudly and carry on.
      logger.error({ addr: settings.metricsAddr, err: e instanceof Error ? e.message : String(e) }, '/healthz and /metrics are off: cannot listen');
    }
  }

  let signalled = false;
  io.onSignal(() => {
    if (signalled) {
      // A second signal does not wait for the running jobs.
      io.err('second stop signal: stopping now, abandoning running jobs');
      void agent.close();
      return;
    }
    signalled = true;
    stopRequested?.();
  });

  const stoppedEarly = stopped.then(() => {
    throw fatal ?? new CocoonError('internal', 'stopped before the broker welcomed this host');
  });
  // Only the race below listens to it; once the agent is online nobody does.
  stoppedEarly.catch(() => undefined);
  const starting = agent.start();
  starting.catch(() => undefined);
  try {
    const { hostId, engineUrl, brokerUrl } = await Promise.race([starting, stoppedEarly]);
    if (!setup.enrollment) {
      const origin = parseBrokerUrl(brokerUrl);
      if (!('error' in origin)) writeEnrollment(settings.nodeKeyFile, { hostId, broker: origin.origin, enrolledAt: new Date().toISOString() });
      io.out(`enrolled ${hostId} with ${'error' in origin ? brokerUrl : origin.origin}`);
    }
    io.out(`cocoon-host ${hostId} is online (engine ${engineUrl})`);
    if (opts.exitWhenEnrolled) {
      await agent.close();
      return ExitCodes.ok;
    }
    await stopped;
    if (fatal) throw fatal;
    const { finished } = await agent.drain(settings.drainTimeoutS * 1000);
    io.out(finished ? 'drained: all jobs finished; stopped' : `drain timeout (${settings.drainTimeoutS} s): stopped with jobs still running`);
    return ExitCodes.ok;
  } catch (e) {
    await agent.close();
    if (signalled && !fatal) return ExitCodes.ok;
    io.err(describeFailure(e));
    return ExitCodes.failure;
  } finally {
    await health?.close();
  }
}

/** The one line an operator reads when the agent cannot serve, with what to do where it is known. */
function describeFailure(e: unknown): string {
  if (!isCocoonError(e)) return e instanceof Error ? e.message : String(e);
  const hint: Partial<Record<string, string>> = {
    'host.enroll_token_invalid': 'make a new token with Add machine in the app, then run the enroll command it shows',
    'host.not_enrolled': 'enroll this machine first: cocoon-host enroll <token> --broker <url>',
    'host.removed': 'this machine was removed in the app: enroll it again with a new token',
    'host.node_key_mismatch': 'another machine holds this host id, or the node key file was replaced',
  };
  const how = hint[e.code];
  return `${e.code}: ${e.message}${how ? `\n  ${how}` : ''}`;
}
