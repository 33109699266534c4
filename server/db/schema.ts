import { sql } from 'drizzle-orm';
import { bigint, boolean, check, date, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';

/**
 * The broker's one schema, used on PGlite and on PostgreSQL alike. Money is `bigint` end to end
 * (micro-credits). Migrations under ./migrations are generated from this file by drizzle-kit.
 */

const createdAt = () => timestamp('created_at', { withTimezone: true }).notNull().defaultNow();
const money = (name: string) => bigint(name, { mode: 'bigint' });

export const users = pgTable('users', {
  id: uuid('id').primaryKey().defaultRandom(),
  telegramId: bigint('telegram_id', { mode: 'bigint' }).notNull().unique(),
  firstName: text('first_name').notNull(),
  username: text('username'),
  createdAt: createdAt(),
});

/** Session tokens are stored as SHA-256 hex: a leaked table does not let anyone sign in. */
export const sessions = pgTable(
  'sessions',
  {
    tokenHash: text('token_hash').primaryKey(),
    userId: uuid('user_id').notNull().references(() => users.id),
    createdAt: createdAt(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  },
  (t) => [index('sessions_user_created_idx').on(t.userId, t.createdAt)],
);

export const AccountKinds = {
  user: 'user',
  hostEarnings: 'host_earnings',
  networkFees: 'network_fees',
  externalPromo: 'external_promo',
  externalStars: 'external_stars',
  externalTon: 'external_ton',
  /** A machine's earnings paid with promotional starter credits: never withdrawable (issue 11). */
  hostPromoEarnings: 'host_promo_earnings',
  /** Where TON payouts to owners go; its balance is what was paid out (issue 11). */
  externalTonPayouts: 'external_ton_payouts',
} as const;
export type AccountKind = (typeof AccountKinds)[keyof typeof AccountKinds];

/** Ledger accounts, with deterministic ids (`user:<uuid>`, `host:<hostId>`, `network:fees`, …). */
/**
 * A ledger account. On a user's account (`user:…`) the database also keeps `balance` (the sum of
 * its transfers) and `held` (the sum of its active holds), by triggers on `transfers` and `holds`
 * (migration 0007), so a hold is checked against one row in one statement. Elsewhere both stay 0:
 * those balances are sums of their transfers, and a shared account such as `network:fees` is never
 * a row every settlement would queue on.
 */
export const accounts = pgTable('accounts', {
  id: text('id').primaryKey(),
  kind: text('kind').$type<AccountKind>().notNull(),
  balance: money('balance').notNull().default(sql`0`),
  held: money('held').notNull().default(sql`0`),
  createdAt: createdAt(),
});

/** Double entry: each row moves `amount` from `debit_account` to `credit_account`. */
export const transfers = pgTable(
  'transfers',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    debitAccount: text('debit_account').notNull().references(() => accounts.id),
    creditAccount: text('credit_account').notNull().references(() => accounts.id),
    amount: money('amount').notNull(),
    kind: text('kind').notNull(),
    idempotencyKey: text('idempotency_key').notNull().unique(),
    jobId: uuid('job_id'),
    createdAt: createdAt(),
  },
  (t) => [
    check('transfers_amount_positive', sql`${t.amount} > 0`),
    check('transfers_distinct_accounts', sql`${t.debitAccount} <> ${t.creditAccount}`),
    index('transfers_debit_idx').on(t.debitAccount),
    index('transfers_credit_idx').on(t.creditAccount),
    // A job's transfers: the exact cost of one request (server/developer/generation.ts).
    index('transfers_job_idx').on(t.jobId),
  ],
);

export const HoldStatuses = { active: 'active', settled: 'settled', released: 'released' } as const;
export type HoldStatus = (typeof HoldStatuses)[keyof typeof HoldStatuses];

export const holds = pgTable(
  'holds',
  {
    jobId: uuid('job_id').primaryKey(),
    userId: uuid('user_id').notNull().references(() => users.id),
    amount: money('amount').notNull(),
    status: text('status').$type<HoldStatus>().notNull().default('active'),
    charged: money('charged'),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    createdAt: createdAt(),
    closedAt: timestamp('closed_at', { withTimezone: true }),
  },
  (t) => [
    check('holds_amount_nonnegative', sql`${t.amount} >= 0`),
    index('holds_user_status_idx').on(t.userId, t.status),
    index('holds_status_expiry_idx').on(t.status, t.expiresAt),
  ],
);

export const HostStatuses = { online: 'online', draining: 'draining', offline: 'offline' } as const;
export type HostStatus = (typeof HostStatuses)[keyof typeof HostStatuses];

/**
 * Machines (issue 11). `id` is the node id (shared/protocol/node-key.ts: the machine's persistent
 * Ed25519 public key), bound to its owner by a one-time enrollment token. Rows from before owners
 * have a null owner and can no longer connect (their ids are not node ids).
 */
export const hosts = pgTable(
  'hosts',
  {
    id: text('id').primaryKey(),
    ownerId: uuid('owner_id').references(() => users.id),
    /** The owner's name for the machine ("rig-1"); null shows a short form of the id. */
    name: text('name'),
    priceCoefficientMilli: integer('price_coefficient_milli').notNull().default(1000),
    status: text('status').$type<HostStatus>().notNull(),
    /** When `status` last changed: "offline since 14:02". */
    statusSince: timestamp('status_since', { withTimezone: true }).notNull().defaultNow(),
    teeKind: text('tee_kind').notNull(),
    bundleDigest: text('bundle_digest').notNull(),
    /** The models the machine's last verified bundle served, with the host's prices: `[{ model, price }]`. */
    models: jsonb('models'),
    /** What the agent reported of itself (GPUs, agent version): shared/protocol/ws-messages.ts MachineInfo. */
    machine: jsonb('machine'),
    maxConcurrentJobs: integer('max_concurrent_jobs'),
    lastSeen: timestamp('last_seen', { withTimezone: true }).notNull(),
    /** Set when the owner was told the machine went offline; cleared when it is back. */
    offlineNotifiedAt: timestamp('offline_notified_at', { withTimezone: true }),
    /** The owner removed the machine: it can no longer connect; its history and earnings stay. */
    removedAt: timestamp('removed_at', { withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [index('hosts_owner_idx').on(t.ownerId)],
);

/**
 * One-time enrollment tokens (issue 11): made by an owner in the app, short-lived, used once; the
 * host that used it is bound to the owner. Only the SHA-256 of a token is stored.
 */
export const enrollmentTokens = pgTable(
  'enrollment_tokens',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    tokenHash: text('token_hash').notNull().unique(),
    ownerId: uuid('owner_id')
      .notNull()
      .references(() => users.id),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    usedAt: timestamp('used_at', { withTimezone: true }),
    /** The machine that enrolled with it. */
    hostId: text('host_id').references(() => hosts.id),
    createdAt: createdAt(),
  },
  (t) => [index('enrollment_tokens_owner_created_idx').on(t.ownerId, t.createdAt)],
);

/** When each machine was connected and attested: uptime % over 24 h / 7 d / 30 d. An open interval has no end. */
export const hostUptime = pgTable(
  'host_uptime',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    hostId: text('host_id')
      .notNull()
      .references(() => hosts.id),
    startedAt: timestamp('started_at', { withTimezone: true }).notNull(),
    endedAt: timestamp('ended_at', { withTimezone: true }),
  },
  (t) => [index('host_uptime_host_started_idx').on(t.hostId, t.startedAt)],
);

/**
 * GPU owners (issue 11): a Telegram user with a payout wallet proven by `ton_proof`. Changing the
 * address needs a fresh proof.
 */
export const owners = pgTable('owners', {
  userId: uuid('user_id')
    .primaryKey()
    .references(() => users.id),
  /** Raw form `wc:hex`. */
  payoutAddress: text('payout_address').notNull(),
  payoutProvedAt: timestamp('payout_proved_at', { withTimezone: true }).notNull(),
  /** Bot messages: machine offline > 5 min, back online, payout sent. */
  notifications: boolean('notifications').notNull().default(true),
  createdAt: createdAt(),
});

/**
 * Starter credits a user has not spent yet (issue 11): jobs paid from them earn the host
 * promotional credits, which never become withdrawable TON. Promotional credits are spent first.
 */
export const promoBalances = pgTable(
  'promo_balances',
  {
    userId: uuid('user_id')
      .primaryKey()
      .references(() => users.id),
    remaining: money('remaining').notNull(),
  },
  (t) => [check('promo_balances_nonnegative', sql`${t.remaining} >= 0`)],
);

export const PayoutStatuses = {
  /** In the ledger, not on chain yet (the outbox): the sender signs and sends it. */
  recorded: 'recorded',
  /** Signed and handed to the chain; waiting for finalized data. */
  sent: 'sent',
  /** The transfer is in a finalized block and did not bounce. */
  confirmed: 'confirmed',
  /** Bounced or expired unsent: the amount is withdrawable again. */
  returned: 'returned',
} as const;
export type PayoutStatus = (typeof PayoutStatuses)[keyof typeof PayoutStatuses];

/** TON payouts to owners, recorded in the ledger before they are sent (an outbox). */
export const payouts = pgTable(
  'payouts',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    ownerId: uuid('owner_id')
      .notNull()
      .references(() => users.id),
    /** Raw form `wc:hex`: the owner's proven payout address when the payout was made. */
    address: text('address').notNull(),
    /** Micro-credits taken from the owner's withdrawable earnings. */
    amount: money('amount').notNull(),
    /** What the owner receives, and the chain fee deducted for it, in nanoTON. */
    valueNano: money('value_nano').notNull(),
    feeNano: money('fee_nano').notNull(),
    /** Unique per payout, carried in the transfer's body: how the chain's record is matched. */
    queryId: bigint('query_id', { mode: 'bigint' }).notNull().unique(),
    status: text('status').$type<PayoutStatus>().notNull().default('recorded'),
    /** The signed external message (base64 BOC) with its wallet seqno and expiry: resent as is after a crash. */
    seqno: integer('seqno'),
    validUntil: timestamp('valid_until', { withTimezone: true }),
    boc: text('boc'),
    /** The wallet transaction that sent it (hex), once confirmed. */
    txHash: text('tx_hash'),
    failure: text('failure'),
    createdAt: createdAt(),
    sentAt: timestamp('sent_at', { withTimezone: true }),
    settledAt: timestamp('settled_at', { withTimezone: true }),
  },
  (t) => [
    index('payouts_owner_created_idx').on(t.ownerId, t.createdAt),
    index('payouts_status_idx').on(t.status),
    check('payouts_amount_positive', sql`${t.amount} > 0 and ${t.valueNano} > 0 and ${t.feeNano} >= 0`),
  ],
);

/**
 * Developers' API keys (issue 12). Only the SHA-256 of a key is stored (a key is 32 random bytes,
 * so a plain hash is as good as a slow one), with its first characters for display. Limits are
 * micro-credits; null means none.
 */
export const apiKeys = pgTable(
  'api_keys',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: uuid('user_id').notNull().references(() => users.id),
    name: text('name').notNull(),
    keyHash: text('key_hash').notNull().unique(),
    prefix: text('prefix').notNull(),
    totalLimit: money('total_limit'),
    dailyLimit: money('daily_limit'),
    requestLimit: money('request_limit'),
    createdAt: createdAt(),
    lastUsedAt: timestamp('last_used_at', { withTimezone: true }),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
  },
  (t) => [
    index('api_keys_user_idx').on(t.userId, t.createdAt),
    check('api_keys_limits_nonnegative', sql`coalesce(${t.totalLimit}, 0) >= 0 and coalesce(${t.dailyLimit}, 0) >= 0 and coalesce(${t.requestLimit}, 0) >= 0`),
  ],
);

/**
 * What each key's settled jobs cost, per UTC day of the request: the budgets' running totals,
 * written in the transaction that settles the job in the ledger (server/relay/jobs-repo.ts).
 */
export const apiKeySpend = pgTable(
  'api_key_spend',
  {
    apiKeyId: uuid('api_key_id').notNull().references(() => apiKeys.id),
    day: date('day', { mode: 'string' }).notNull(),
    spent: money('spent').notNull(),
  },
  (t) => [primaryKey({ columns: [t.apiKeyId, t.day] }), check('api_key_spend_nonnegative', sql`${t.spent} >= 0`)],
);

export const JobStatuses = {
  open: 'open',
  streaming: 'streaming',
  settled: 'settled',
  failed: 'failed',
} as const;
export type JobStatus = (typeof JobStatuses)[keyof typeof JobStatuses];

export const jobs = pgTable(
  'jobs',
  {
    id: uuid('id').primaryKey(),
    userId: uuid('user_id').notNull().references(() => users.id),
    /** The API key a developer's job came with; null for the Mini App's own jobs. */
    apiKeyId: uuid('api_key_id').references(() => apiKeys.id),
    hostId: text('host_id').notNull().references(() => hosts.id),
    model: text('model').notNull(),
    maxTokens: integer('max_tokens').notNull(),
    requestBytes: integer('request_bytes').notNull(),
    status: text('status').$type<JobStatus>().notNull(),
    hold: money('hold').notNull(),
    charged: money('charged'),
    promptTokens: integer('prompt_tokens'),
    completionTokens: integer('completion_tokens'),
    receipt: jsonb('receipt'),
    errorCode: text('error_code'),
    /** When the host's first sealed chunk passed the broker: time to first token per machine. */
    firstTokenAt: timestamp('first_token_at', { withTimezone: true }),
    createdAt: createdAt(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
  },
  (t) => [
    index('jobs_user_idx').on(t.userId, t.createdAt),
    index('jobs_host_idx').on(t.hostId, t.createdAt),
    index('jobs_api_key_idx').on(t.apiKeyId, t.createdAt),
  ],
);

/*
 * Money in (issue 5). A top-up is credited exactly once per external id: Telegram's
 * `telegram_payment_charge_id` for Stars, the transaction hash for TON.
 */
export const PaymentProviders = { stars: 'stars', ton: 'ton' } as const;
export type PaymentProvider = (typeof PaymentProviders)[keyof typeof PaymentProviders];
export const PaymentStatuses = { credited: 'credited', refunded: 'refunded' } as const;
export type PaymentStatus = (typeof PaymentStatuses)[keyof typeof PaymentStatuses];

export const payments = pgTable(
  'payments',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: uuid('user_id').notNull().references(() => users.id),
    provider: text('provider').$type<PaymentProvider>().notNull(),
    /** `telegram_payment_charge_id` (Stars) or the transaction hash, hex (TON). */
    externalId: text('external_id').notNull(),
    /** What was paid, in the provider's smallest unit: Stars, or nanoTON. */
    paidAmount: money('paid_amount').notNull(),
    credits: money('credits').notNull(),
    packId: text('pack_id'),
    status: text('status').$type<PaymentStatus>().notNull().default('credited'),
    createdAt: createdAt(),
    refundedAt: timestamp('refunded_at', { withTimezone: true }),
  },
  (t) => [uniqueIndex('payments_provider_external_idx').on(t.provider, t.externalId), index('payments_user_idx').on(t.userId, t.createdAt)],
);

/** Stars invoices we created; `payload` is the invoice payload Telegram echoes back. */
export const starsInvoices = pgTable(
  'stars_invoices',
  {
    payload: text('payload').primaryKey(),
    userId: uuid('user_id').notNull().references(() => users.id),
    packId: text('pack_id').notNull(),
    stars: integer('stars').notNull(),
    credits: money('credits').notNull(),
    status: text('status').$type<'open' | 'paid'>().notNull().default('open'),
    createdAt: createdAt(),
  },
  (t) => [index('stars_invoices_user_created_idx').on(t.userId, t.createdAt)],
);

/**
 * One-time `ton_proof` payloads: issued, expiring, consumed once. `user_id` only counts a user's
 * payloads per hour (the payload's MAC binds it to its user; rows from before it are null).
 */
export const tonProofPayloads = pgTable(
  'ton_proof_payloads',
  {
    payload: text('payload').primaryKey(),
    userId: uuid('user_id').references(() => users.id),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    usedAt: timestamp('used_at', { withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [index('ton_proof_payloads_user_created_idx').on(t.userId, t.createdAt)],
);

/** Wallets proven with `ton_proof`; `address` in raw form `wc:hex`. */
export const wallets = pgTable(
  'wallets',
  {
    address: text('address').primaryKey(),
    userId: uuid('user_id').notNull().references(() => users.id),
    publicKey: text('public_key').notNull(),
    provedAt: timestamp('proved_at', { withTimezone: true }).notNull(),
  },
  (t) => [index('wallets_user_idx').on(t.userId)],
);

/** Each user's TON deposit comment (names the account in the transfer's text comment). */
export const depositCodes = pgTable('deposit_codes', {
  code: text('code').primaryKey(),
  userId: uuid('user_id').notNull().unique().references(() => users.id),
  createdAt: createdAt(),
});

/** Where a chain watcher has read up to, so it resumes after a restart. */
export const chainCursors = pgTable('chain_cursors', {
  name: text('name').primaryKey(),
  lt: bigint('lt', { mode: 'bigint' }).notNull(),
  hash: text('hash').notNull(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

/**
 * The newest signed attestation policy (by its sequence number) this deployment has loaded: a
 * policy file older than that is a rollback, and the broker refuses to start with it.
 */
export const policyState = pgTable('policy_state', {
  name: text('name').primaryKey(),
  sequence: bigint('sequence', { mode: 'number' }).notNull(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

/**
 * Attestation bundles of the machines connected to any broker instance (several brokers,
 * server/cluster/): the broker holding a machine's socket writes its verified bundle here before
 * announcing it, so every broker can serve it (bundles with TDX collateral exceed a NATS message).
 */
export const clusterHostBundles = pgTable('cluster_host_bundles', {
  hostId: text('host_id').primaryKey(),
  bundleDigest: text('bundle_digest').notNull(),
  bundle: jsonb('bundle').notNull(),
  brokerId: text('broker_id').notNull(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});
