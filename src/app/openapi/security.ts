// Who may call an operation: anyone, or the holder of the admin token.
export const PUBLIC: never[] = [];
export const ADMIN = [{ adminToken: [] }];

export const securitySchemes = {
  adminToken: {
    type: 'http',
    scheme: 'bearer',
    description:
      'The ADMIN_TOKEN configured on the server: `Authorization: Bearer $ADMIN_TOKEN`. (Reads also accept ' +
      'the session cookie of the dashboard at /admin, for browsers.)',
  },
};
