import type { HostVerifier } from '../attestation/host-verifier';
import type { BrokerApi, BrokerModel } from '../broker/broker-api';
import type { Logger } from '../logger';
import type { ModelCatalog } from '../jobs/model-catalog';
import { OpenAiError } from '../openai/errors';

export interface ModelsDeps {
  api: BrokerApi;
  catalog: ModelCatalog;
  verifier: HostVerifier;
  logger: Logger;
}

/**
 * One model as `GET /v1/models` lists it: OpenAI's fields, plus the context length its hosts
 * attest (null until one of them verifies) and its base price in micro-credits per 1M tokens
 * (a host may ask a multiple: its price coefficient).
 */
async function describe(deps: ModelsDeps, credential: string, m: BrokerModel) {
  return {
    id: m.name,
    object: 'model' as const,
    created: 0,
    owned_by: 'cocoon',
    context_length: await contextLength(deps, credential, m.name),
    pricing: { unit: 'micro-credits per 1M tokens', prompt: m.price.promptPerMillion.toString(), completion: m.price.completionPerMillion.toString() },
    hosts: m.hostCount,
  };
}

/** From the claims of the first host that verifies: what the engine states, attested with the keys. */
async function contextLength(deps: ModelsDeps, credential: string, model: string): Promise<number | null> {
  for (const host of await deps.api.hosts(credential, model)) {
    try {
      const verified = await deps.verifier.verify(credential, host.hostId, model);
      return verified.claims.models.find((x) => x.name === model)?.contextLength ?? null;
    } catch (e) {
      deps.logger.debug({ hostId: host.hostId, err: e }, 'no context length from this host');
    }
  }
  return null;
}

/** `GET /v1/models`. */
export async function listModels(deps: ModelsDeps, credential: string) {
  const models = await deps.catalog.list(credential);
  return { object: 'list' as const, data: await Promise.all(models.map((m) => describe(deps, credential, m))) };
}

/** `GET /v1/models/:id`. @throws OpenAiError 404 */
export async function retrieveModel(deps: ModelsDeps, credential: string, id: string) {
  const model = await deps.catalog.get(credential, id);
  if (!model) throw new OpenAiError(404, 'invalid_request_error', 'model_not_found', `The model \`${id}\` does not exist or no host serves it`, 'model');
  return describe(deps, credential, model);
}
