/** How often the Add machine sheet asks whether the machine has used its token. */
export const ENROLLMENT_POLL_MS = 1_500;
/** How often the machine cards refresh (status, active jobs) while the screen is open. */
export const MACHINES_POLL_MS = 10_000;
/** How often the payout history refreshes while a payout is recorded or sent. */
export const PAYOUT_POLL_MS = 4_000;
