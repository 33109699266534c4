import { runCli } from './cli/cli';

// The process entry: the command line, signals and the exit code; everything else is in cli/.
const code = await runCli(process.argv.slice(2), {
  env: process.env,
  out: (line) => console.log(line),
  err: (line) => console.error(line),
  onSignal: (handler) => {
    process.on('SIGTERM', handler);
    process.on('SIGINT', handler);
  },
});
process.exit(code);
