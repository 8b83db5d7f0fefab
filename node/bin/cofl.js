#!/usr/bin/env node
// The `cofl` command. Runs the compiled CLI (npm ci builds it); with --conditions=cofl-source
// and tsx loaded, the TypeScript sources instead (the tests do that). Only the CLI module is
// loaded here: the node's networking loads when `cofl node start` needs it.
await import('cofl/node20')
const { runCli } = await import('cofl/cli')
process.exitCode = await runCli(process.argv.slice(2))
