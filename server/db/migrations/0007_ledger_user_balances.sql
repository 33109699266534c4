-- A user's balance and held credits kept on their account row (schema.ts, accounts), so placing a
-- hold is one statement against one row (server/ledger/holds.ts). Writes to the ledger wait while
-- this runs, so the sums below and the triggers see the same transfers and holds.
LOCK TABLE "transfers", "holds" IN SHARE ROW EXCLUSIVE MODE;--> statement-breakpoint
ALTER TABLE "accounts" ADD COLUMN "balance" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "accounts" ADD COLUMN "held" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
-- Each transfer moves a user's balance as it is written: the debited user's down, the credited
-- user's up (in the transfer's transaction: it lands or rolls back with it).
CREATE FUNCTION "ledger_user_balance"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.debit_account LIKE 'user:%' THEN
    UPDATE accounts SET balance = balance - NEW.amount WHERE id = NEW.debit_account;
  END IF;
  IF NEW.credit_account LIKE 'user:%' THEN
    UPDATE accounts SET balance = balance + NEW.amount WHERE id = NEW.credit_account;
  END IF;
  RETURN NULL;
END $$;--> statement-breakpoint
CREATE TRIGGER "transfers_user_balance" AFTER INSERT ON "transfers" FOR EACH ROW EXECUTE FUNCTION "ledger_user_balance"();--> statement-breakpoint
-- A hold reserves its amount while active: placed active, it adds to the user's `held`; settled or
-- released, it takes its amount back off. Holds are never deleted, nor their amount changed.
CREATE FUNCTION "ledger_user_held"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    IF NEW.status = 'active' THEN
      UPDATE accounts SET held = held + NEW.amount WHERE id = 'user:' || NEW.user_id::text;
    END IF;
  ELSIF OLD.status = 'active' AND NEW.status <> 'active' THEN
    UPDATE accounts SET held = held - OLD.amount WHERE id = 'user:' || OLD.user_id::text;
  ELSIF OLD.status <> 'active' AND NEW.status = 'active' THEN
    RAISE EXCEPTION 'a closed hold cannot be reopened' USING ERRCODE = 'check_violation';
  END IF;
  RETURN NULL;
END $$;--> statement-breakpoint
CREATE TRIGGER "holds_user_held" AFTER INSERT OR UPDATE OF "status" ON "holds" FOR EACH ROW EXECUTE FUNCTION "ledger_user_held"();--> statement-breakpoint
UPDATE "accounts" a SET "balance" = coalesce((
  SELECT sum(CASE WHEN t.credit_account = a.id THEN t.amount ELSE -t.amount END)
  FROM "transfers" t WHERE t.credit_account = a.id OR t.debit_account = a.id), 0)
WHERE a.id LIKE 'user:%';--> statement-breakpoint
UPDATE "accounts" a SET "held" = coalesce((
  SELECT sum(h.amount) FROM "holds" h WHERE 'user:' || h.user_id::text = a.id AND h.status = 'active'), 0)
WHERE a.id LIKE 'user:%';
