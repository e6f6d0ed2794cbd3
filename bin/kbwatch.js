#!/usr/bin/env node
// Loads the TypeScript entry point through tsx in this same process, so `npx kbwatch` works
// from a checkout and signals reach the program directly.
import { register } from 'tsx/esm/api';

register();
await import('../src/main.ts');
