// Stands in for the `pgpass` package in the Worker bundle (wrangler.jsonc, `alias`). node-postgres asks
// pgpass for a password only when the connection string has none; pgpass then looks for ~/.pgpass, a
// file a Worker never has (no home, no disk of its own), and answers "no password". This answers the
// same without bundling its file reader (pgpass and split2, about 2 KiB gzip). Hyperdrive's and Neon's
// connection strings always carry the password.
module.exports = function pgpass(_connectionParameters, callback) {
  callback(undefined);
};
