import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { isLoopbackUrl } from '../agent/engine-setup';
import { helpText } from '../cli/help';
import { loadSettings, SETTINGS } from '../config';
import { parseMiniYaml, type Yaml } from './support/mini-yaml';

/**
 * The files an owner deploys (deploy/host/), checked as far as a machine without Docker or systemd
 * allows: their structure, and that they agree with the agent's own configuration schema.
 */
const deployFile = (name: string) => new URL(`../../deploy/host/${name}`, import.meta.url);
const read = (name: string) => readFileSync(deployFile(name), 'utf8');

const StringList = z.array(z.string());
const Service = z.object({
  image: z.string(),
  network_mode: z.string().optional(),
  command: StringList.optional(),
  ports: StringList.optional(),
  expose: StringList.optional(),
  volumes: StringList.optional(),
  environment: z.record(z.string(), z.string()).optional(),
  stop_grace_period: z.string().optional(),
  read_only: z.string().optional(),
  cap_drop: StringList.optional(),
  security_opt: StringList.optional(),
});
const Compose = z.object({ services: z.record(z.string(), Service), volumes: z.record(z.string(), z.unknown()).optional() });

const compose = Compose.parse(parseMiniYaml(read('compose.yaml')));
const env = Object.fromEntries(
  read('.env.example')
    .split('\n')
    .filter((l) => /^[A-Z_]+=/.test(l))
    .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
);
/** Compose's interpolation of `${VAR}`, `${VAR:-default}` and `${VAR:?message}` from .env.example. */
const interpolate = (s: string) =>
  s.replace(/\$\{([A-Z_]+)(?::([-?])([^}]*))?\}/g, (_m, name: string, op?: string, arg?: string) => {
    const v = env[name];
    if (v) return v;
    if (op === '-') return arg ?? '';
    throw new Error(`${name} is unset (${arg})`);
  });

/** `[Section]` / `Key=Value` lines of a systemd unit; repeated keys keep every value. */
function unit(name: string): Record<string, Record<string, string[]>> {
  const out: Record<string, Record<string, string[]>> = {};
  let section = '';
  for (const raw of read(name).split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const s = /^\[(\w+)\]$/.exec(line);
    if (s) {
      section = s[1]!;
      out[section] ??= {};
      continue;
    }
    const kv = /^([A-Za-z]+)=(.*)$/.exec(line);
    if (!kv || !section) throw new Error(`${name}: not a unit line: ${line}`);
    (out[section]![kv[1]!] ??= []).push(kv[2]!);
  }
  return out;
}

describe('deploy/host/compose.yaml', () => {
  const { vllm, 'cocoon-host': agent } = compose.services;

  it('runs exactly the engine and the agent, in the VM network namespace, publishing no port', () => {
    expect(Object.keys(compose.services).sort()).toEqual(['cocoon-host', 'vllm']);
    for (const [name, s] of Object.entries(compose.services)) {
      expect([name, s.network_mode]).toEqual([name, 'host']);
      // Nothing is published; were a port ever added, it would have to be on loopback.
      for (const p of [...(s.ports ?? []), ...(s.expose ?? [])]) expect([name, p]).toEqual([name, expect.stringMatching(/^127\.0\.0\.1:/)]);
    }
  });

  it('binds the engine to loopback only, and the agent talks to it there', () => {
    const cmd = vllm!.command!;
    expect(cmd[cmd.indexOf('--host') + 1]).toBe('127.0.0.1');
    expect(cmd).not.toContain('0.0.0.0');
    const config = loadSettings({ env: {}, file: deployFile('config.example.json').pathname }).settings;
    expect(isLoopbackUrl(config.engineUrl)).toBe(true);
    expect(new URL(config.engineUrl).port).toBe(cmd[cmd.indexOf('--port') + 1]);
  });

  it('pins the engine image by digest and states that same digest in the claims', () => {
    expect(vllm!.image).toMatch(/^vllm\/vllm-openai:\$\{VLLM_VERSION:-v[\d.]+\}@(sha256:[0-9a-f]{64}|\$\{VLLM_IMAGE_DIGEST:\?[^}]+\})$/);
    // Compose refuses to start without the digest; the example leaves it for the owner to fill from the policy.
    expect(() => interpolate(vllm!.image)).toThrow(/VLLM_IMAGE_DIGEST is unset/);
    expect(agent!.environment?.COCOON_ENGINE_IMAGE).toBe('${VLLM_IMAGE_DIGEST}');
  });

  it("runs the engine with exactly the arguments the agent's config attests", () => {
    const config = loadSettings({ env: {}, file: deployFile('config.example.json').pathname }).settings;
    expect(vllm!.command!.map(interpolate)).toEqual(config.engineArgs);
    expect(Object.keys(config.modelDigests)).toEqual([env.MODEL_ID]);
  });

  it('mounts the agent config read-only, keeps the node key in a volume, and waits out the drain on stop', () => {
    expect(agent!.volumes).toContain('./config.json:/etc/cocoon-host/config.json:ro');
    expect(agent!.volumes).toContain('cocoon-host-state:/var/lib/cocoon-host');
    expect(Object.keys(compose.volumes ?? {})).toContain('cocoon-host-state');
    expect(agent!.environment?.COCOON_HOST_CONFIG).toBe('/etc/cocoon-host/config.json');
    const grace = Number(/^(\d+)s$/.exec(agent!.stop_grace_period ?? '')?.[1]);
    const { drainTimeoutS } = loadSettings({ env: {}, file: deployFile('config.example.json').pathname }).settings;
    expect(grace).toBeGreaterThan(drainTimeoutS);
    expect([agent!.read_only, agent!.cap_drop, agent!.security_opt]).toEqual(['true', ['ALL'], ['no-new-privileges:true']]);
    expect(vllm!.volumes?.every((v) => v.endsWith(':ro'))).toBe(true);
  });
});

describe('deploy/host/config.example.json', () => {
  const example = z.record(z.string(), z.unknown()).parse(JSON.parse(read('config.example.json')));

  it("parses with the agent's own configuration schema", () => {
    const { settings } = loadSettings({ env: {}, file: deployFile('config.example.json').pathname });
    expect(settings).toMatchObject({ tee: 'auto', metricsAddr: '127.0.0.1:9477', nodeKeyFile: '/var/lib/cocoon-host/node.key', broker: ['https://broker.example'] });
  });

  it('uses only documented keys, each listed in --help with its environment variable', () => {
    const help = helpText();
    for (const key of Object.keys(example)) {
      expect(SETTINGS).toHaveProperty(key);
      expect(help).toMatch(new RegExp(`^  ${key} +${SETTINGS[key as keyof typeof SETTINGS].env} `, 'm'));
    }
    // Every setting but the secrets has an example line.
    expect(Object.keys(SETTINGS).filter((k) => !(k in example)).sort()).toEqual(['engineApiKey', 'enrollToken']);
  });
});

describe('deploy/host systemd units', () => {
  it('cocoon-host.service: hardened, writes only its state directory, restarts on failure, waits out the drain', () => {
    const u = unit('cocoon-host.service');
    const s = u.Service!;
    expect(s.ExecStart).toEqual([expect.stringMatching(/^\/usr\/bin\/node \/opt\/cocoon-host\/host\/dist\/main\.js run( |$)/)]);
    expect([s.NoNewPrivileges, s.ProtectSystem, s.ProtectHome, s.PrivateTmp]).toEqual([['yes'], ['strict'], ['yes'], ['yes']]);
    expect(s.ReadWritePaths?.join(' ').split(/\s+/)).toContain('/var/lib/cocoon-host');
    expect([s.StateDirectory, s.StateDirectoryMode, s.UMask]).toEqual([['cocoon-host'], ['0700'], ['0077']]);
    expect(s.CapabilityBoundingSet).toEqual(['']);
    expect([s.Restart, s.KillSignal, s.RestartPreventExitStatus]).toEqual([['on-failure'], ['SIGTERM'], ['2']]);
    expect(Number(s.TimeoutStopSec?.[0])).toBeGreaterThan(600);
    expect(u.Unit?.After?.join(' ')).toContain('vllm.service');
    expect(u.Install?.WantedBy).toEqual(['multi-user.target']);
  });

  it('vllm.service: loopback only, hardened, offline weights', () => {
    const s = unit('vllm.service').Service!;
    expect(s.ExecStart?.[0]).toMatch(/ --host 127\.0\.0\.1 --port 8000 /);
    expect([s.IPAddressDeny, s.IPAddressAllow, s.NoNewPrivileges, s.ProtectSystem, s.Restart]).toEqual([['any'], ['localhost'], ['yes'], ['strict'], ['on-failure']]);
    expect(s.Environment?.join(' ')).toContain('HF_HUB_OFFLINE=1');
  });
});

describe('the YAML subset reader', () => {
  it('reads what compose files use, and refuses what it does not know', () => {
    const y: Yaml = parseMiniYaml('a:\n  - x\n  - "y # not a comment"\nb: [c, "d, e"] # comment\nc:\n  - k: v\n    m: n\n');
    expect(y).toEqual({ a: ['x', 'y # not a comment'], b: ['c', 'd, e'], c: [{ k: 'v', m: 'n' }] });
    expect(() => parseMiniYaml('a: {b: c}')).toThrow(/flow maps/);
    expect(() => parseMiniYaml('a: 1\na: 2')).toThrow(/duplicate key a/);
    expect(() => parseMiniYaml('a:\n\tb: 1')).toThrow(/tabs/);
  });
});
