#!/usr/bin/env node
// The `leadflow` command (npx leadflow report ...). The CLI is TypeScript run through tsx, the
// same way `npm start` runs the preview, so the offline tools need no separate compile step.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/offline/cli.ts');
process.exitCode = await main(process.argv.slice(2));
