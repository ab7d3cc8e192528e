// Stands in for node-postgres's native client (pg/lib/native) in the Worker bundle (wrangler.jsonc,
// `alias`: "./native" is the path pg/lib/index.js requires it by, and no other module of the bundle
// requires that path). pg loads it only through `pg.native`, which nothing here reads, or when
// NODE_PG_FORCE_NATIVE is set, which a Worker's empty process.env never is; and it needs the pg-native
// package (libpq), which a Worker cannot load. This fails as a Node install without pg-native does, so
// `pg.native` is null, without uploading the native client's JavaScript (about 2 KiB gzip).
const error = new Error("Cannot find module 'pg-native'");
error.code = 'MODULE_NOT_FOUND';
throw error;
