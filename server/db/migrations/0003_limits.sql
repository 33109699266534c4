DROP INDEX "sessions_user_idx";--> statement-breakpoint
ALTER TABLE "ton_proof_payloads" ADD COLUMN "user_id" uuid;--> statement-breakpoint
ALTER TABLE "ton_proof_payloads" ADD CONSTRAINT "ton_proof_payloads_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "sessions_user_created_idx" ON "sessions" USING btree ("user_id","created_at");--> statement-breakpoint
CREATE INDEX "stars_invoices_user_created_idx" ON "stars_invoices" USING btree ("user_id","created_at");--> statement-breakpoint
CREATE INDEX "ton_proof_payloads_user_created_idx" ON "ton_proof_payloads" USING btree ("user_id","created_at");