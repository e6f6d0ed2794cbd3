/** Entry point: hand the command line to the CLI. */
import { runCli } from './cli/index.ts';

await runCli(process.argv);
