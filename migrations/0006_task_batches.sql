ALTER TABLE "task_attempts" ADD COLUMN "batch_id" uuid;--> statement-breakpoint
ALTER TABLE "tasks" ADD COLUMN "batch_id" uuid;--> statement-breakpoint
CREATE INDEX "tasks_batch_idx" ON "tasks" USING btree ("batch_id");