ALTER TABLE "tasks" DROP CONSTRAINT "tasks_status_check";--> statement-breakpoint
DROP INDEX "tasks_due_idx";--> statement-breakpoint
ALTER TABLE "tasks" ADD COLUMN "priority" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "tasks" ADD COLUMN "key" text;--> statement-breakpoint
ALTER TABLE "tasks" ADD COLUMN "cancelled_at" timestamp with time zone;--> statement-breakpoint
CREATE UNIQUE INDEX "tasks_live_key_idx" ON "tasks" USING btree ("kind","key") WHERE "tasks"."key" IS NOT NULL AND "tasks"."status" IN ('pending', 'running');--> statement-breakpoint
CREATE INDEX "tasks_kind_status_idx" ON "tasks" USING btree ("kind","status");--> statement-breakpoint
CREATE INDEX "tasks_due_idx" ON "tasks" USING btree ("status","priority","run_at");--> statement-breakpoint
ALTER TABLE "tasks" ADD CONSTRAINT "tasks_status_check" CHECK ("tasks"."status" in ('pending', 'running', 'succeeded', 'dead', 'cancelled'));