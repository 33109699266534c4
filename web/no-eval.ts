import { z } from 'zod';

/**
 * Imported first by each entry (main.tsx, crypto/worker.ts): the Content-Security-Policy allows no
 * evaluated code, so zod must not probe `new Function` for its faster parsers (the browser reports
 * the probe as a CSP violation even though zod catches the refusal).
 */
z.config({ jitless: true });
