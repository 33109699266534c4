import { COEFFICIENT_BASE, holdFor, type Price } from '@cocoon/shared/pricing';
import { NEUTRAL } from '../hosts/reliability';

/**
 * The scheduler (issue 13, item 2): the one place that ranks hosts for a request. A pure function
 * of the hosts' snapshot, their reliability scores, the request and a random source, so the route,
 * the simulation and the tests run the same code. It ranks whatever the registry holds, hosts of
 * this broker and of others alike.
 *
 * How: hosts that take the model and fit the price cap are the candidates. Those with a free job
 * slot are drawn at random, weighted by free slots × quality (so a big idle machine gets more
 * than a small one and load spreads), in pairs; each pair's better host by quality × headroom
 * goes first ("power of two choices": a little randomness, never a bad pick when a good one was
 * drawn). With two candidates both are drawn, so the order is deterministic. Full hosts follow,
 * least loaded first: a client fails over to them last and gets `host.busy` if they still are.
 */

/** What the scheduler reads of a host; `OnlineHost` (server/hosts/registry.ts) is one. */
export interface SchedulableHost {
  hostId: string;
  priceCoefficientMilli: number;
  activeJobs: number;
  maxConcurrentJobs: number;
  draining: boolean;
  claims: { models: readonly { name: string }[] };
}

/** The requester's price cap: hosts whose worst case at their coefficient is above it are left out. */
export interface PriceCap {
  /** Micro-credits: the most one job may cost (the job's `maxCharge`). */
  maxCharge: bigint;
  /** The model's base price (server/pricing/price-book.ts). */
  price: Price;
  maxTokens: number;
  /** The sealed request's size, as the relay bounds prompt tokens by it. */
  requestBytes: number;
}

export interface ScheduleRequest {
  model: string;
  cap?: PriceCap;
}

/** Uniform in [0, 1): `Math.random` in the broker, a seeded generator in tests. */
export type RandomSource = () => number;

/** The longest list a client gets: enough to fail over a few times, short enough to stay cheap. */
export const MAX_RANKED = 5;
/*
 * A host's quality is reliability² × (base coefficient / its coefficient)²: a 0.9 host counts 3× a
 * 0.5 one; a host 10 % dearer than another counts ~0.83× it, 40 % dearer ~0.51×.
 */
const COEFFICIENT = Number(COEFFICIENT_BASE);

interface Candidate<H extends SchedulableHost = SchedulableHost> {
  host: H;
  free: number;
  quality: number;
}

/** The host serves the model, is not draining, and its worst case fits the cap. */
export function eligible(host: SchedulableHost, request: ScheduleRequest, fits = fitsCap(request)): boolean {
  return !host.draining && servesModel(host, request.model) && fits(host.priceCoefficientMilli);
}

/** Whether a job at a coefficient stays within the request's cap; memoised (hosts share a few coefficients). */
function fitsCap(request: ScheduleRequest): (coefficientMilli: number) => boolean {
  const cap = request.cap;
  if (!cap) return () => true;
  const known = new Map<number, boolean>();
  return (coefficientMilli) => {
    let fits = known.get(coefficientMilli);
    if (fits === undefined) {
      fits = holdFor(cap.price, cap.requestBytes, cap.maxTokens, BigInt(coefficientMilli)) <= cap.maxCharge;
      known.set(coefficientMilli, fits);
    }
    return fits;
  };
}

function servesModel(host: SchedulableHost, model: string): boolean {
  // A plain loop: this runs for every host of the registry on every listing.
  for (const m of host.claims.models) if (m.name === model) return true;
  return false;
}

/**
 * Hosts for `request`, best first, at most MAX_RANKED.
 * @example rankHosts(registry.all(), await reliability.scores(ids), { model: 'demo/tiny' }, Math.random)
 */
export function rankHosts<H extends SchedulableHost>(hosts: readonly H[], reliability: ReadonlyMap<string, number>, request: ScheduleRequest, random: RandomSource): H[] {
  // One pass, no copies (the registry may hold thousands): each eligible host's quality, and a
  // weighted sample of those with a free slot. Weights are relative, so the price factor may be
  // taken against the base coefficient instead of the cheapest host's.
  const fits = fitsCap(request);
  const drawn = new TopK<H>(2 * MAX_RANKED);
  const full: Candidate<H>[] = [];
  for (const host of hosts) {
    if (!eligible(host, request, fits)) continue;
    const r = Math.max(1e-3, reliability.get(host.hostId) ?? NEUTRAL);
    const price = COEFFICIENT / Math.max(1, host.priceCoefficientMilli);
    const quality = r * r * price * price;
    const free = host.maxConcurrentJobs - host.activeJobs;
    // Efraimidis–Spirakis: the k largest keys log(u)/w are a sample without replacement, P ∝ w.
    if (free <= 0) full.push({ host, free, quality });
    else {
      const key = Math.log(1 - random()) / (free * quality);
      if (drawn.admits(key)) drawn.add(key, { host, free, quality });
    }
  }
  full.sort((a, b) => load(a.host) - load(b.host) || b.quality - a.quality || byId(a.host, b.host));
  return [...duels(drawn.inOrder()), ...full].slice(0, MAX_RANKED).map((c) => c.host);
}

const load = (h: SchedulableHost) => h.activeJobs / Math.max(1, h.maxConcurrentJobs);
const byId = (a: SchedulableHost, b: SchedulableHost) => (a.hostId < b.hostId ? -1 : a.hostId > b.hostId ? 1 : 0);
/** What a duel compares: quality, and the share of the host's slots still free. */
const strength = (c: Candidate) => c.quality * (c.free / Math.max(1, c.host.maxConcurrentJobs));

/** The k candidates with the largest keys, largest first (k is small: insertion beats a heap). */
class TopK<H extends SchedulableHost> {
  private readonly items: { key: number; c: Candidate<H> }[] = [];
  constructor(private readonly k: number) {}
  admits(key: number): boolean {
    return this.items.length < this.k || key > this.items[this.k - 1]!.key;
  }
  add(key: number, c: Candidate<H>): void {
    const items = this.items;
    let i = items.length;
    while (i > 0 && items[i - 1]!.key < key) i--;
    items.splice(i, 0, { key, c });
    if (items.length > this.k) items.pop();
  }
  inOrder(): Candidate<H>[] {
    return this.items.map((x) => x.c);
  }
}

/** Pairs in draw order; each pair's stronger goes first; the losers follow in the same order. */
function duels<H extends SchedulableHost>(drawn: Candidate<H>[]): Candidate<H>[] {
  const winners: Candidate<H>[] = [];
  const losers: Candidate<H>[] = [];
  for (let i = 0; i < drawn.length; i += 2) {
    const a = drawn[i]!;
    const b = drawn[i + 1];
    if (!b) {
      winners.push(a);
      continue;
    }
    // A tie goes to the one drawn first: random, so equal hosts share the lead.
    const aFirst = strength(a) >= strength(b);
    winners.push(aFirst ? a : b);
    losers.push(aFirst ? b : a);
  }
  return [...winners, ...losers];
}
