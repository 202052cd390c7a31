#!/usr/bin/env node
// kslab is the project's command line (sandbox/cli). The sources are TypeScript;
// tsx compiles them on load so the repository runs without a build step.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../sandbox/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
