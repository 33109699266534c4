import { wrap, type Remote } from 'comlink';
import type { CryptoWorkerApi } from './api';

let remote: Remote<CryptoWorkerApi> | undefined;

/** The UI's handle on the crypto worker, started on first use and shared by the whole app. */
export function cryptoWorker(): Remote<CryptoWorkerApi> {
  remote ??= wrap<CryptoWorkerApi>(new Worker(new URL('./worker.ts', import.meta.url), { type: 'module', name: 'cocoon-crypto' }));
  return remote;
}
