import { isCocoonError } from '@cocoon/shared/errors';
import { HELP, loadCommand } from './config';
import { createProxy } from './proxy';
import { formatReport, verifyRequest } from './verify-command';

/** `cocoon-proxy`: reads the configuration, serves until a signal, or runs `verify`. Exit 2 on a bad configuration. */
let command;
try {
  command = loadCommand(process.argv.slice(2), process.env);
} catch (e) {
  process.stderr.write(`${isCocoonError(e) ? e.message : String(e)}\n`);
  process.exit(2);
}
if (command.kind === 'help') {
  process.stdout.write(`${HELP}\n`);
} else if (command.kind === 'verify') {
  const report = await verifyRequest(command.config, command.requestId);
  process.stdout.write(`${command.json ? JSON.stringify(report, null, 2) : formatReport(report)}\n`);
  process.exitCode = report.ok ? 0 : 1;
} else {
  const proxy = createProxy(command.config);
  const { url } = await proxy.start();
  process.stdout.write(`OpenAI-compatible API: ${url}\n`);
  const stop = () => void proxy.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}
