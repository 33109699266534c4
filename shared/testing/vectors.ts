import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The shared test vectors live beside the repository, in `../shared/vectors` (see its SOURCES.md). */
export const VECTORS_DIR = fileURLToPath(new URL('../../../shared/vectors/', import.meta.url));

export const readVector = (name: string): Uint8Array => new Uint8Array(readFileSync(VECTORS_DIR + name));
export const readVectorText = (name: string): string => readFileSync(VECTORS_DIR + name, 'utf8');
