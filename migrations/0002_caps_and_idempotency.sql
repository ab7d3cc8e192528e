CREATE TABLE "distance_counts" (
	"race_id" text NOT NULL,
	"distance" text NOT NULL,
	"taken" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "distance_counts_race_id_distance_pk" PRIMARY KEY("race_id","distance")
);
--> statement-breakpoint
CREATE TABLE "idempotency_keys" (
	"key" text PRIMARY KEY NOT NULL,
	"request_hash" text NOT NULL,
	"registration_id" uuid NOT NULL,
	"status" integer NOT NULL,
	"body" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "idempotency_keys" ADD CONSTRAINT "idempotency_keys_registration_id_registrations_id_fk" FOREIGN KEY ("registration_id") REFERENCES "public"."registrations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
-- Places already taken before this migration.
INSERT INTO "distance_counts" ("race_id", "distance", "taken")
SELECT "race_id", "distance", count(*)::int FROM "registrations" GROUP BY "race_id", "distance";
