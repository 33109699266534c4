/** What a command touches of its process: tests run commands in process with their own. */
export interface CliIo {
  env: NodeJS.ProcessEnv;
  out(line: string): void;
  err(line: string): void;
  /** Registers the stop handler (SIGTERM and SIGINT in the real process). */
  onSignal(handler: () => void): void;
}
