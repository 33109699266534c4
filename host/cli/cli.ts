import { ConfigError } from '../config';
import { AGENT_VERSION } from '../version';
import { ExitCodes, parseCommandLine, UsageError } from './args';
import { doctor } from './doctor';
import { helpText } from './help';
import type { CliIo } from './io';
import { serve } from './serve';
import { status } from './status';

/** Runs one command line; resolves with the process exit code. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  try {
    const command = parseCommandLine(argv);
    switch (command.name) {
      case 'help':
        io.out(helpText());
        return ExitCodes.ok;
      case 'version':
        io.out(AGENT_VERSION);
        return ExitCodes.ok;
      case 'run':
        return await serve({ config: command.config, broker: command.broker }, io);
      case 'enroll':
        if (!command.broker?.length) throw new UsageError('enroll needs --broker <url>: copy the whole command from Add machine in the app');
        return await serve({ config: command.config, broker: command.broker, token: command.token, exitWhenEnrolled: command.exit }, io);
      case 'doctor':
        return await doctor(command, io);
      case 'status':
        return await status(command, io);
    }
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`cocoon-host: ${e.message}\nRun 'cocoon-host --help' for the commands and options.`);
      return ExitCodes.usage;
    }
    if (e instanceof ConfigError || (e instanceof Error && 'code' in e && e.code === 'config.invalid')) {
      io.err(e.message);
      return ExitCodes.usage;
    }
    io.err(e instanceof Error ? e.message : String(e));
    return ExitCodes.failure;
  }
}
