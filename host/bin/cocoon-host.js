#!/usr/bin/env node
// `npx cocoon-host`: runs the host agent's TypeScript entry through tsx.
import { register } from 'tsx/esm/api';

register();
await import('../main.ts');
