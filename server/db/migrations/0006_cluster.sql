CREATE TABLE "cluster_host_bundles" (
	"host_id" text PRIMARY KEY NOT NULL,
	"bundle_digest" text NOT NULL,
	"bundle" jsonb NOT NULL,
	"broker_id" text NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
