// The project's version, as package.json says (a test keeps the two equal). A constant rather than an
// import of package.json, so the Worker bundle does not carry the whole manifest.
export const VERSION = '0.1.0';

/** Sent on every provider request: Resend's edge refuses requests without a User-Agent. */
export const USER_AGENT = `finishline/${VERSION}`;
