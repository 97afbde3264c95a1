/**
 * The service whose PPIDs name residents on the resident side: sessions are issued to it (the
 * session token's audience), and a notice reaches a resident's inbox under its PPID.
 */
export const SESSION_SERVICE_ID = 'resident-portal';
