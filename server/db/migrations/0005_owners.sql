CREATE TABLE "enrollment_tokens" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"token_hash" text NOT NULL,
	"owner_id" uuid NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"used_at" timestamp with time zone,
	"host_id" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "enrollment_tokens_token_hash_unique" UNIQUE("token_hash")
);
--> statement-breakpoint
CREATE TABLE "host_uptime" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"host_id" text NOT NULL,
	"started_at" timestamp with time zone NOT NULL,
	"ended_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "owners" (
	"user_id" uuid PRIMARY KEY NOT NULL,
	"payout_address" text NOT NULL,
	"payout_proved_at" timestamp with time zone NOT NULL,
	"notifications" boolean DEFAULT true NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "payouts" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"owner_id" uuid NOT NULL,
	"address" text NOT NULL,
	"amount" bigint NOT NULL,
	"value_nano" bigint NOT NULL,
	"fee_nano" bigint NOT NULL,
	"query_id" bigint NOT NULL,
	"status" text DEFAULT 'recorded' NOT NULL,
	"seqno" integer,
	"valid_until" timestamp with time zone,
	"boc" text,
	"tx_hash" text,
	"failure" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"sent_at" timestamp with time zone,
	"settled_at" timestamp with time zone,
	CONSTRAINT "payouts_query_id_unique" UNIQUE("query_id"),
	CONSTRAINT "payouts_amount_positive" CHECK ("payouts"."amount" > 0 and "payouts"."value_nano" > 0 and "payouts"."fee_nano" >= 0)
);
--> statement-breakpoint
CREATE TABLE "promo_balances" (
	"user_id" uuid PRIMARY KEY NOT NULL,
	"remaining" bigint NOT NULL,
	CONSTRAINT "promo_balances_nonnegative" CHECK ("promo_balances"."remaining" >= 0)
);
--> statement-breakpoint
ALTER TABLE "hosts" ADD COLUMN "owner_id" uuid;--> statement-breakpoint
ALTER TABLE "hosts" ADD COLUMN "name" text;--> statement-breakpoint
ALTER TABLE "hosts" ADD COLUMN "status_since" timestamp with time zone DEFAULT now() NOT NULL;--> statement-breakpoint
ALTER TABLE "hosts" ADD COLUMN "models" jsonb;--> statement-breakpoint
ALTER TABLE "hosts" ADD COLUMN "machine" jsonb;--> statement-breakpoint
ALTER TABLE "hosts" ADD COLUMN "max_concurrent_jobs" integer;--> statement-breakpoint
ALTER TABLE "hosts" ADD COLUMN "offline_notified_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "hosts" ADD COLUMN "removed_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "jobs" ADD COLUMN "first_token_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "enrollment_tokens" ADD CONSTRAINT "enrollment_tokens_owner_id_users_id_fk" FOREIGN KEY ("owner_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "enrollment_tokens" ADD CONSTRAINT "enrollment_tokens_host_id_hosts_id_fk" FOREIGN KEY ("host_id") REFERENCES "public"."hosts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "host_uptime" ADD CONSTRAINT "host_uptime_host_id_hosts_id_fk" FOREIGN KEY ("host_id") REFERENCES "public"."hosts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "owners" ADD CONSTRAINT "owners_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "payouts" ADD CONSTRAINT "payouts_owner_id_users_id_fk" FOREIGN KEY ("owner_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "promo_balances" ADD CONSTRAINT "promo_balances_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "enrollment_tokens_owner_created_idx" ON "enrollment_tokens" USING btree ("owner_id","created_at");--> statement-breakpoint
CREATE INDEX "host_uptime_host_started_idx" ON "host_uptime" USING btree ("host_id","started_at");--> statement-breakpoint
CREATE INDEX "payouts_owner_created_idx" ON "payouts" USING btree ("owner_id","created_at");--> statement-breakpoint
CREATE INDEX "payouts_status_idx" ON "payouts" USING btree ("status");--> statement-breakpoint
ALTER TABLE "hosts" ADD CONSTRAINT "hosts_owner_id_users_id_fk" FOREIGN KEY ("owner_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "hosts_owner_idx" ON "hosts" USING btree ("owner_id");