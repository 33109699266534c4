import { Buffer } from 'buffer';

/**
 * @ton/core and @ton/crypto use Node's global `Buffer`, which browsers lack. Every module that
 * loads them imports this first; they are loaded lazily, so the chat never pays for it.
 */
const scope = globalThis as { Buffer?: typeof Buffer };
scope.Buffer ??= Buffer;
