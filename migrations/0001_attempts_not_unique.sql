DROP INDEX "task_attempts_task_number_key";--> statement-breakpoint
CREATE INDEX "task_attempts_task_idx" ON "task_attempts" USING btree ("task_id","id");