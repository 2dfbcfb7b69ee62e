#!/usr/bin/env node
/** The `scimitar` executable: the command with the built-in schemas (src/cli/program.ts). */
import { runCli } from './program.js';

await runCli(process.argv);
