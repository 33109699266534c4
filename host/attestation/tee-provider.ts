import { createSimulatedProvider, type TeeProvider } from '@cocoon/shared/attestation/simulated';
import { CocoonError } from '@cocoon/shared/errors';
import type { Logger } from '../agent/logger';
import { configfsTsmAvailable, createConfigfsTsmProvider } from './configfs-tsm';

/**
 * Picks the enclave's evidence source: real TDX quotes wherever configfs-tsm is present; the
 * simulated TEE only when configured, never as a silent fallback.
 */
export async function resolveTeeProvider(tee: 'auto' | 'tdx' | 'simulated', logger: Logger): Promise<TeeProvider> {
  if (tee === 'simulated') {
    logger.warn('using the SIMULATED TEE: prompts are not confidential on this host');
    return createSimulatedProvider();
  }
  if (await configfsTsmAvailable()) return createConfigfsTsmProvider();
  throw new CocoonError(
    'attestation.unsupported_tee',
    tee === 'tdx'
      ? 'COCOON_TEE=tdx, but configfs-tsm (/sys/kernel/config/tsm/report) is not available on this machine'
      : 'no TEE found (configfs-tsm is not available); set COCOON_TEE=simulated for development only',
  );
}
