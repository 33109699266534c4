import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { parseBrokerList, parseBrokerUrl } from '../broker-url';
import { SETTINGS } from '../config';
import { AGENT_VERSION } from '../version';
import { parseCommandLine, UsageError } from './args';
import { runCli } from './cli';

async function cli(argv: string[], env: NodeJS.ProcessEnv = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, { env, out: (l) => out.push(l), err: (l) => err.push(l), onSignal: () => undefined });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('the command line', () => {
  it('parses each command with its options', () => {
    expect(parseCommandLine([])).toEqual({ name: 'run' });
    expect(parseCommandLine(['run', '--config', '/etc/x.json'])).toEqual({ name: 'run', config: '/etc/x.json' });
    expect(parseCommandLine(['enroll', 'tok-0123456789abcdef', '--broker', 'https://a.example,https://b.example', '--broker', 'wss://c.example/api/host', '--exit'])).toEqual({
      name: 'enroll', token: 'tok-0123456789abcdef', broker: ['https://a.example', 'https://b.example', 'wss://c.example/api/host'], exit: true,
    });
    expect(parseCommandLine(['doctor', '--json', '-c', 'f.json'])).toEqual({ name: 'doctor', config: 'f.json', json: true });
    expect(parseCommandLine(['status'])).toEqual({ name: 'status', json: false });
    for (const help of [['--help'], ['-h'], ['help'], ['doctor', '--help']]) expect(parseCommandLine(help)).toEqual({ name: 'help' });
    for (const v of [['--version'], ['-V'], ['version']]) expect(parseCommandLine(v)).toEqual({ name: 'version' });
  });

  it('refuses unknown commands and options, and options of other commands', () => {
    for (const [argv, message] of [
      [['serve'], "unknown command 'serve' (expected enroll, run, doctor or status)"],
      [['run', '--frobnicate'], "Unknown option '--frobnicate'"],
      [['status', '--broker', 'https://a.example'], "'status' takes no --broker"],
      [['run', '--exit'], "'run' takes no --exit"],
      [['enroll'], 'usage: cocoon-host enroll <token> --broker <url> [--config <file>] [--exit]'],
      [['doctor', 'now'], "'doctor' takes no arguments (got now)"],
    ] as const) {
      expect(() => parseCommandLine(argv)).toThrow(UsageError);
      expect(() => parseCommandLine(argv)).toThrow(message);
    }
  });

  it('exits 2 on bad usage, pointing at --help', async () => {
    const r = await cli(['serve']);
    expect([r.code, r.err]).toEqual([2, "cocoon-host: unknown command 'serve' (expected enroll, run, doctor or status)\nRun 'cocoon-host --help' for the commands and options."]);
    expect((await cli(['enroll', 'tok-0123456789abcdef'])).err).toMatch(/enroll needs --broker <url>/);
  });

  it('exits 2 on bad configuration, listing every bad value at once', async () => {
    const r = await cli(['run', '--config', '/dev/null/absent.json']);
    expect([r.code, r.err]).toEqual([2, expect.stringMatching(/^cannot read the config file \/dev\/null\/absent\.json/)]);
    const bad = await cli(['run'], { COCOON_HOST_CONFIG: '/dev/null', COCOON_TEE: 'sgx', COCOON_ENGINE_IMAGE: 'latest' });
    expect(bad.code).toBe(2);
    expect(bad.err.split('\n').map((l) => l.trim().split(' ')[0])).toEqual(['invalid', 'engineUrl', 'engineImage', 'engineVersion', 'tee']);
  });

  it('--version prints the package version', async () => {
    const pkg = z.object({ version: z.string() }).parse(JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')));
    expect(AGENT_VERSION).toBe(pkg.version);
    expect(await cli(['--version'])).toEqual({ code: 0, out: pkg.version, err: '' });
  });

  it('--help documents every command, option, setting, environment variable and exit code', async () => {
    const { code, out } = await cli(['--help']);
    expect(code).toBe(0);
    for (const word of ['enroll <token> --broker <url>', 'cocoon-host run', 'cocoon-host doctor', 'cocoon-host status', '--config', '--broker', '--exit', '--json', '--help', '--version', 'COCOON_HOST_CONFIG', 'SIGTERM']) {
      expect(out).toContain(word);
    }
    for (const [key, { env }] of Object.entries(SETTINGS)) expect(out).toMatch(new RegExp(`^  ${key} +${env} +\\S`, 'm'));
    expect(out).toMatch(/Exit codes:\n {2}0 {2}ok[^\n]*\n {2}1 {2}failure[^\n]*\n {2}2 {2}bad usage or configuration/);
  });

  it('status exits 1 when no agent answers', async () => {
    const r = await cli(['status'], { COCOON_HOST_CONFIG: '/dev/null', COCOON_METRICS_ADDR: '127.0.0.1:9' });
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/^cocoon-host is not running \(nothing answers at http:\/\/127\.0\.0\.1:9\/healthz/);
    expect((await cli(['status'], { COCOON_HOST_CONFIG: '/dev/null', COCOON_METRICS_ADDR: 'off' })).code).toBe(1);
  });
});

describe('broker URLs', () => {
  it('take the origin the app shows, or the host endpoint, and derive both forms', () => {
    expect(parseBrokerUrl('https://broker.example')).toEqual({ origin: 'https://broker.example', wsUrl: 'wss://broker.example/api/host' });
    expect(parseBrokerUrl('https://broker.example/')).toEqual({ origin: 'https://broker.example', wsUrl: 'wss://broker.example/api/host' });
    expect(parseBrokerUrl('http://127.0.0.1:8080')).toEqual({ origin: 'http://127.0.0.1:8080', wsUrl: 'ws://127.0.0.1:8080/api/host' });
    expect(parseBrokerUrl('wss://broker.example/api/host')).toEqual({ origin: 'https://broker.example', wsUrl: 'wss://broker.example/api/host' });
    expect(parseBrokerUrl('ws://127.0.0.1:8080')).toEqual({ origin: 'http://127.0.0.1:8080', wsUrl: 'ws://127.0.0.1:8080/api/host' });
    expect(parseBrokerUrl('https://example.org/cocoon')).toEqual({ origin: 'https://example.org/cocoon', wsUrl: 'wss://example.org/cocoon/api/host' });
  });

  it('refuse what is not a broker URL, and drop duplicates from a list', () => {
    expect(parseBrokerUrl('broker.example')).toEqual({ error: 'broker.example is not a URL (expected e.g. https://broker.example)' });
    expect(parseBrokerUrl('ftp://broker.example')).toEqual({ error: 'ftp://broker.example: expected an http(s) or ws(s) URL' });
    expect(parseBrokerUrl('https://u:p@broker.example')).toMatchObject({ error: expect.stringContaining('credentials') });
    expect(parseBrokerUrl('https://broker.example/?a=1')).toMatchObject({ error: expect.stringContaining('no query') });
    expect(parseBrokerList(['https://a.example', 'wss://a.example/api/host', 'https://b.example']).brokers.map((b) => b.wsUrl)).toEqual(['wss://a.example/api/host', 'wss://b.example/api/host']);
  });
});
