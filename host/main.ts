import { createHostAgent, type HostAgent } from './agent/host-agent';
import { loadHostConfig } from './config';

let agent: HostAgent;
try {
  agent = createHostAgent(loadHostConfig(process.env));
} catch (e) {
  console.error(e instanceof Error ? e.message : e);
  process.exit(2);
}
const stop = async () => {
  await agent.close();
  process.exit(0);
};
process.once('SIGINT', () => void stop());
process.once('SIGTERM', () => void stop());
agent.start().then(
  ({ hostId, engineUrl }) => console.log(`cocoon-host ${hostId} is online (engine ${engineUrl})`),
  (e: unknown) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  },
);
