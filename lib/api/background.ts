/**
 * Marks an API request the page made by itself (a refresh after a live event, a reconnect probe)
 * rather than for the user: the server then does not count it as activity, so the session's idle
 * timeout still ends an unattended session (server/session/sessions.ts).
 */
export const BACKGROUND_HEADER = 'X-Sealpost-Background';
