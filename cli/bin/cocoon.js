#!/usr/bin/env node
// `npx cocoon`: runs the CLI's TypeScript entry through tsx.
import { register } from 'tsx/esm/api';

register();
await import('../main.ts');
