import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The test vectors, in `shared/testing/vectors/` (provenance and licences: its SOURCES.md). */
export const VECTORS_DIR = fileURLToPath(new URL('./vectors/', import.meta.url));

export const readVector = (name: string): Uint8Array => new Uint8Array(readFileSync(VECTORS_DIR + name));
export const readVectorText = (name: string): string => readFileSync(VECTORS_DIR + name, 'utf8');
