ALTER TABLE "distance_counts" ADD COLUMN "tickets" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "distance_counts" ADD COLUMN "departed" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "registrations" ADD COLUMN "status" text DEFAULT 'registered' NOT NULL;--> statement-breakpoint
ALTER TABLE "registrations" ADD COLUMN "manage_token_hash" text;--> statement-breakpoint
ALTER TABLE "registrations" ADD COLUMN "waitlist_ticket" integer;--> statement-breakpoint
ALTER TABLE "registrations" ADD COLUMN "hold_expires_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "registrations" ADD COLUMN "status_changed_at" timestamp with time zone DEFAULT now() NOT NULL;--> statement-breakpoint
CREATE UNIQUE INDEX "registrations_manage_token_idx" ON "registrations" USING btree ("manage_token_hash");--> statement-breakpoint
CREATE INDEX "registrations_waitlist_idx" ON "registrations" USING btree ("race_id","distance","waitlist_ticket") WHERE "registrations"."status" = 'waitlisted';--> statement-breakpoint
ALTER TABLE "registrations" ADD CONSTRAINT "registrations_status_check" CHECK ("registrations"."status" in ('pending_verification', 'registered', 'waitlisted', 'offered', 'withdrawn', 'expired'));