import websocket from '@fastify/websocket';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { CocoonError } from '@cocoon/shared/errors';
import { registerAttestationRoutes } from './attestation/routes';
import { registerAuthRoutes } from './auth/routes';
import type { ServerConfig } from './config';
import type { DevExtensions } from './dev-extensions';
import { registerHostSocket } from './hosts/host-socket';
import { registerHostRoutes } from './hosts/routes';
import { installApiKeyCheck } from './developer/key-check';
import { registerDeveloperRoutes } from './developer/routes';
import { installCors } from './http/cors';
import { installErrorHandling } from './http/errors';
import { registerHealth } from './http/health';
import { installSecurityHeaders, securityHeaders } from './http/security-headers';
import { httpTimeouts } from './http/timeouts';
import { installNotFound, registerWebApp } from './http/static';
import { installRateLimits } from './limits/rate-limits';
import { createLogger, withPrivacy } from './logger';
import { maintenanceIntervalMs, startMaintenance } from './maintenance';
import { startMetricsServer, type MetricsServer } from './metrics/metrics-server';
import { registerEnrollmentRoutes } from './owners/enrollment-routes';
import { registerMachineRoutes } from './owners/machine-routes';
import { registerPayoutRoutes } from './payouts/routes';
import { registerCreditsRoutes } from './payments/credits-routes';
import { registerStarsWebhook } from './payments/stars-webhook';
import { registerClientSocket } from './relay/client-socket';
import { openServices, type Services } from './services';
import { tonDepositInfo } from './ton/deposit-info';
import { registerTonRoutes } from './ton/routes';
import { MAX_CLIENT_FRAME_BYTES } from './ws/frame-limits';
import { SocketSet } from './ws/socket-set';
import { wsLimits } from './ws/ws-limits';

export interface CocoonServer {
  app: FastifyInstance;
  /** Opens the database (migrating it), starts upkeep and listens; `metricsUrl` with METRICS_PORT (loopback only). */
  start(): Promise<{ url: string; metricsUrl?: string }>;
  /** Closes sockets (releasing the holds of jobs in flight), upkeep and the database. */
  close(): Promise<void>;
  /** The live services, once `start()` or `app.ready()` has run: for tests and embedding. */
  services(): Services;
}

const SOCKET_CLOSE_GRACE_MS = 2_000;
/** Trust the nearest `hops` proxies (the connecting peer first); the client is the address the farthest of them forwarded for. */
const trustHops = (hops: number) => (_address: string, hop: number) => hop < hops;

/** Builds the broker. Nothing is opened until `start()` (or `app.ready()` / `app.inject()`). */
export function createServer(config: ServerConfig, opts: { logger?: Logger; dev?: DevExtensions } = {}): CocoonServer {
  const dev = opts.dev;
  if (!dev && (config.DEV_MODE || (config.TON_NETWORK === 'sandbox' && !config.TON_API_URL))) {
    throw new CocoonError('config.invalid', 'DEV_MODE and TON_NETWORK=sandbox need the development stand-ins (@cocoon/dev), which the production broker does not contain: run `npm start` for development');
  }
  const logger = opts.logger ? withPrivacy(opts.logger) : createLogger(config.LOG_LEVEL);
  // pluginTimeout: opening the database (PGlite: ~3 s cold, more under load) and, in dev, the local
  // chain and Bot API stand-in happen in onReady; Fastify's 10 s default is too tight on 2 cores.
  // trustProxy: which peers' X-Forwarded-For sets req.ip, the address per-IP limits count (TRUST_PROXY).
  // A hop count as proxy-addr's function (Fastify runs numbers so, but its types omit them).
  const trustProxy = typeof config.TRUST_PROXY === 'number' ? trustHops(config.TRUST_PROXY) : config.TRUST_PROXY;
  const app: FastifyInstance = Fastify({ loggerInstance: logger as FastifyBaseLogger, bodyLimit: 64 * 1024, pluginTimeout: 60_000, trustProxy, ...httpTimeouts(config) });
  const sockets = new SocketSet(wsLimits(config));
  let services: Services | undefined;
  let maintenance: { stop(): Promise<void> } | undefined;
  let metricsServer: MetricsServer | undefined;
  let botSetUp: Promise<void> | undefined;
  const get = (): Services => {
    if (!services) throw new CocoonError('internal', 'server is not ready');
    return services;
  };

  installErrorHandling(app);
  installSecurityHeaders(app, securityHeaders(config));
  if (config.WEB_ORIGIN) installCors(app, config.WEB_ORIGIN);
  installNotFound(app, config.WEB_DIST);
  app.register(websocket, {
    // The smaller limit by default; the host socket raises its own (server/ws/frame-limits.ts).
    options: { maxPayload: MAX_CLIENT_FRAME_BYTES },
    preClose: async () => {
      await sockets.closeAll(SOCKET_CLOSE_GRACE_MS);
      app.websocketServer.close();
    },
  });
  app.register(async (api) => {
    installRateLimits(api, () => get().limits);
    installApiKeyCheck(api, get);
    registerHealth(api, get);
    registerAuthRoutes(api, get);
    if (config.DEV_MODE) dev?.registerRoutes(api, get);
    registerHostRoutes(api, get);
    registerAttestationRoutes(api, get);
    registerHostSocket(api, get, sockets);
    registerClientSocket(api, get, sockets);
    registerCreditsRoutes(api, get, tonDepositInfo);
    registerStarsWebhook(api, get);
    registerTonRoutes(api, get);
    registerDeveloperRoutes(api, get);
    registerPayoutRoutes(api, get);
    registerEnrollmentRoutes(api, get);
    registerMachineRoutes(api, get);
  });
  if (config.WEB_DIST) app.register((web) => registerWebApp(web, config.WEB_DIST!));

  app.addHook('onReady', async () => {
    services = await openServices(config, app.log, dev);
    maintenance = startMaintenance(services, app.log, maintenanceIntervalMs(config.JOB_IDLE_TIMEOUT_MS));
  });
  // The embedded Bot API stand-in delivers updates to the address the broker listens on.
  app.addHook('onListen', async () => {
    const address = app.server.address();
    if (!services || !address || typeof address !== 'object') return;
    const any = address.address === '0.0.0.0' || address.address === '::';
    const host = any ? '127.0.0.1' : address.family === 'IPv6' ? `[${address.address}]` : address.address;
    await services.stars.connect(`http://${host}:${address.port}`);
    // The bot's commands and menu button, in the background (failures are logged): only with a
    // webhook secret, the bot is live; without one no update reaches it and Telegram is not called.
    if (services.stars.enabled) botSetUp = services.bot.setUp();
  });
  app.addHook('onClose', async () => {
    await maintenance?.stop();
    await botSetUp;
    await metricsServer?.close();
    await services?.cluster.close();
    await services?.stars.close();
    await services?.ton?.close();
    await services?.database.close();
  });

  return {
    app,
    services: get,
    async start() {
      if (config.METRICS_PORT !== undefined) {
        await app.ready();
        try {
          metricsServer = await startMetricsServer(get().metrics, config.METRICS_PORT, (err) => app.log.warn({ err }, 'metrics scrape failed'));
        } catch (e) {
          await app.close();
          throw new CocoonError('config.invalid', `METRICS_PORT: cannot listen on 127.0.0.1:${config.METRICS_PORT} (${e instanceof Error ? e.message : String(e)})`, { cause: e });
        }
      }
      const address = await app.listen({ port: config.PORT, host: config.HOST });
      return { url: config.PUBLIC_URL ?? address, metricsUrl: metricsServer?.url };
    },
    close: () => app.close(),
  };
}
