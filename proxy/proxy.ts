import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CocoonError } from '@cocoon/shared/errors';
import { isApiKeyToken } from '@cocoon/shared/protocol/developer';
import { HostVerifier } from './attestation/host-verifier';
import { createBrokerApi, type BrokerApi } from './broker/broker-api';
import { BrokerSocket } from './broker/broker-socket';
import type { ProxyConfig } from './config';
import { handleChatCompletion } from './http/chat-route';
import { bearer, foreignRequest, sendError, sendJson } from './http/http-io';
import { listModels, retrieveModel } from './http/models-route';
import type { CompletionDeps } from './jobs/completion';
import { HostStats } from './jobs/host-choice';
import { ModelCatalog } from './jobs/model-catalog';
import { createLogger, type Logger } from './logger';
import { OpenAiError } from './openai/errors';
import { filePolicyState } from './records/policy-state';
import { fileReceiptLog, type ReceiptLog } from './records/receipt-log';

export interface Proxy {
  /** Listens on 127.0.0.1; resolves with the OpenAI base URL (`http://127.0.0.1:<port>/v1`). */
  start(): Promise<{ url: string }>;
  close(): Promise<void>;
  readonly receipts: ReceiptLog;
}

/**
 * The developers' local encrypting proxy (ARCHITECTURE.md, "Processes and folders"): an
 * OpenAI-compatible API on 127.0.0.1 that verifies hosts, seals each request to one enclave and
 * opens the answer here. A library: `main.ts` only reads the configuration and handles signals.
 * @example const proxy = createProxy(config); const { url } = await proxy.start(); // new OpenAI({ baseURL: url, apiKey })
 */
export function createProxy(config: ProxyConfig, opts: { logger?: Logger; api?: BrokerApi } = {}): Proxy {
  const logger = opts.logger ?? createLogger(config.logLevel);
  const api = opts.api ?? createBrokerApi(config.brokerUrl);
  const sockets = new Map<string, BrokerSocket>();
  const socketUrl = `${config.brokerUrl.replace(/^http/, 'ws')}/api/ws`;
  const receipts = fileReceiptLog(config.dataDir);
  const verifier = new HostVerifier({
    api,
    policyKeys: config.policyKeys,
    allowSimulated: config.allowSimulated,
    allowUnverifiedDev: config.allowUnverifiedDev,
    policyState: filePolicyState(config.dataDir),
    logger,
  });
  const catalog = new ModelCatalog(api);
  const deps: CompletionDeps = {
    api,
    catalog,
    verifier,
    stats: new HostStats(),
    receipts,
    maxPrice: config.maxPrice,
    logger,
    socketFor(credential) {
      let socket = sockets.get(credential);
      if (!socket) sockets.set(credential, (socket = new BrokerSocket(socketUrl, credential, logger)));
      return socket;
    },
  };
  let server: Server | undefined;
  let port = config.port;

  /** The client's own `sk-cocoon-…` key, else the configured one, else whatever bearer it sent (a session token, in development). */
  const credentialOf = (req: IncomingMessage): string => {
    const sent = bearer(req);
    const credential = sent && isApiKeyToken(sent) ? sent : (config.apiKey ?? sent);
    if (!credential) throw new OpenAiError(401, 'authentication_error', 'invalid_api_key', 'no API key: start the proxy with --key sk-cocoon-… or send Authorization: Bearer sk-cocoon-…');
    return credential;
  };

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const foreign = foreignRequest(req, port);
    if (foreign) throw new OpenAiError(403, 'permission_error', 'forbidden', foreign);
    const path = new URL(req.url ?? '/', 'http://proxy').pathname.replace(/\/+$/, '');
    if (path === '/v1/chat/completions') {
      if (req.method !== 'POST') throw new OpenAiError(405, 'invalid_request_error', 'method_not_allowed', 'use POST');
      return handleChatCompletion(deps, credentialOf(req), req, res);
    }
    if (req.method === 'GET' && path === '/v1/models') return sendJson(res, 200, await listModels({ api, catalog, verifier, logger }, credentialOf(req)));
    const model = /^\/v1\/models\/(.+)$/.exec(path);
    if (req.method === 'GET' && model) return sendJson(res, 200, await retrieveModel({ api, catalog, verifier, logger }, credentialOf(req), decodeURIComponent(model[1]!)));
    if (req.method === 'GET' && path === '/health') return sendJson(res, 200, { ok: true });
    throw new OpenAiError(404, 'invalid_request_error', 'not_found', `${req.method} ${path} is not served: this proxy serves POST /v1/chat/completions and GET /v1/models`);
  }

  return {
    receipts,
    async start() {
      server = createServer((req, res) => {
        route(req, res).catch((e: unknown) => {
          if (e instanceof OpenAiError || e instanceof CocoonError) logger.info({ code: e.code, message: e.message, path: req.url }, 'request refused or failed');
          else logger.error({ err: e, path: req.url }, 'request failed');
          sendError(res, e);
        });
      });
      await new Promise<void>((resolve, reject) => {
        server!.once('error', reject);
        server!.listen(config.port, '127.0.0.1', () => resolve());
      });
      port = (server.address() as AddressInfo).port;
      const url = `http://127.0.0.1:${port}/v1`;
      logger.info({ url, broker: config.brokerUrl, policyKeys: config.policyKeys.length, allowSimulated: config.allowSimulated, devRules: config.policyKeys.length === 0 }, 'cocoon-proxy listening');
      return { url };
    },
    async close() {
      for (const socket of sockets.values()) socket.close();
      sockets.clear();
      if (!server) return;
      server.closeAllConnections();
      await new Promise<void>((resolve) => server!.close(() => resolve()));
    },
  };
}
