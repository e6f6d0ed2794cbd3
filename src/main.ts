/** Entry point: hand the command line, the environment and the output streams to the CLI. */
import { runCli } from './cli/index.ts';

process.exitCode = await runCli(process.argv, {
  env: process.env,
  stdout: process.stdout,
  stderr: process.stderr,
});
