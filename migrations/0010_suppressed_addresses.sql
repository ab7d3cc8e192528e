CREATE TABLE "suppressed_addresses" (
	"email_normalized" text PRIMARY KEY NOT NULL,
	"reason" text NOT NULL,
	"svix_id" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
