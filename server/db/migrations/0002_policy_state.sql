CREATE TABLE "policy_state" (
	"name" text PRIMARY KEY NOT NULL,
	"sequence" bigint NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
