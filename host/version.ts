/** The agent's version, reported to the broker and by `--version`; kept equal to host/package.json by a test. */
export const AGENT_VERSION = '0.1.0';
