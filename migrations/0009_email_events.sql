CREATE TABLE "email_events" (
	"svix_id" text PRIMARY KEY NOT NULL,
	"type" text NOT NULL,
	"email_id" text,
	"created_at" timestamp with time zone,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL,
	"payload" jsonb NOT NULL
);
--> statement-breakpoint
CREATE INDEX "email_events_email_idx" ON "email_events" USING btree ("email_id");--> statement-breakpoint
CREATE INDEX "tasks_sent_email_idx" ON "tasks" USING btree (("result" ->> 'id')) WHERE "tasks"."result" IS NOT NULL;