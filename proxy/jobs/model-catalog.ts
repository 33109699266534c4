import type { BrokerApi, BrokerModel } from '../broker/broker-api';

/** How long the broker's model list is reused: one fetch per burst of requests, fresh enough for prices. */
const TTL_MS = 5_000;

/** The broker's models and their base prices, fetched under each credential (the broker may refuse one) and kept briefly. */
export class ModelCatalog {
  private readonly cached = new Map<string, { models: Promise<BrokerModel[]>; at: number }>();

  constructor(private readonly api: BrokerApi) {}

  list(credential: string): Promise<BrokerModel[]> {
    const hit = this.cached.get(credential);
    if (hit && Date.now() - hit.at < TTL_MS) return hit.models;
    const models = this.api.models(credential);
    this.cached.set(credential, { models, at: Date.now() });
    // A failed fetch is not kept; its error reaches whoever awaits it.
    void models.catch(() => this.cached.delete(credential));
    if (this.cached.size > 64) this.cached.delete(this.cached.keys().next().value!);
    return models;
  }

  async get(credential: string, model: string): Promise<BrokerModel | undefined> {
    return (await this.list(credential)).find((m) => m.name === model);
  }
}
