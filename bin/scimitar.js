#!/usr/bin/env node
// The package's executable: runs the compiled CLI (built by `npm run build`, which `npm install` runs via `prepare`).
await import('../dist/cli/main.js');
