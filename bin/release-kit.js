#!/usr/bin/env node
// Runs the committed bundle, so `npx release-kit` works on a fresh clone without a build step.
import { runCli } from '../dist/cli/index.js';

process.exitCode = await runCli(process.argv.slice(2));
