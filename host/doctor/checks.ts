import { isCocoonError } from '@cocoon/shared/errors';
import { isLoopbackUrl } from '../agent/engine-setup';
import type { EnrollmentState } from '../agent/enrollment-state';
import type { BrokerAddress } from '../broker-url';
import type { HostSettings } from '../config';
import { createEngineClient, type EngineModel } from '../engine/engine-client';
import { surveyGpus, type GpuSurvey } from '../machine/nvidia-smi';
import type { DoctorProbes } from './probes';

export type CheckStatus = 'pass' | 'warn' | 'fail' | 'skip';

export interface CheckResult {
  id: string;
  status: CheckStatus;
  /** One line: what was found. */
  why: string;
  /** One line: what to do, for warn and fail. */
  fix?: string;
  /** Further lines of what was found (each bad setting). */
  details?: string[];
}

export interface DoctorInput {
  /** Null when the configuration is invalid (configError says why). */
  settings: HostSettings | null;
  configError: string | null;
  configFile: string | null;
  nodeKeyFile: string;
  nvidiaSmi: string;
  brokers: BrokerAddress[];
  enrollment: EnrollmentState | null;
  gpuEnv: Record<string, string>;
}

const TIMEOUT_MS = 10_000;
/** Skew the claims' validity windows tolerate comfortably; beyond FAIL_SKEW_S brokers refuse bundles. */
const WARN_SKEW_S = 5;
const FAIL_SKEW_S = 60;

const pass = (id: string, why: string): CheckResult => ({ id, status: 'pass', why });
const fail = (id: string, why: string, fix: string): CheckResult => ({ id, status: 'fail', why, fix });
const warn = (id: string, why: string, fix: string): CheckResult => ({ id, status: 'warn', why, fix });
const skip = (id: string, why: string): CheckResult => ({ id, status: 'skip', why });
const reason = (e: unknown) => (e instanceof Error ? (e.cause instanceof Error ? `${e.message} (${e.cause.message})` : e.message) : String(e));

function configCheck(input: DoctorInput): CheckResult {
  if (input.configError) {
    const details = input.configError.split('\n').slice(1).map((l) => l.trim()).filter(Boolean);
    const why = details.length ? `${details.length} setting${details.length > 1 ? 's' : ''} missing or invalid` : input.configError;
    return { ...fail('config', why, 'fix the values named (cocoon-host --help lists every setting)'), details };
  }
  return pass('config', `settings valid (${input.configFile ?? 'no config file'} + environment)`);
}

async function nodeKeyCheck(input: DoctorInput, p: DoctorProbes): Promise<{ result: CheckResult; hostId: string | null }> {
  const state = p.inspectNodeKey(input.nodeKeyFile);
  const enroll = 'run the enroll command from Add machine in the app: cocoon-host enroll <token> --broker <url>';
  if (state.state === 'missing') return { result: fail('node_key', `no node key at ${input.nodeKeyFile}: this machine has not enrolled`, enroll), hostId: null };
  if (state.state === 'not_a_file') return { result: fail('node_key', `${input.nodeKeyFile} is not a regular file`, 'remove it, then enroll again'), hostId: null };
  if (state.state === 'too_open') {
    return { result: fail('node_key', `node key ${input.nodeKeyFile} has mode 0${state.mode.toString(8)}: others can read it`, `chmod 600 ${input.nodeKeyFile}`), hostId: null };
  }
  try {
    const hostId = await p.nodeKeyHostId(input.nodeKeyFile);
    return { result: pass('node_key', `node key ${input.nodeKeyFile} (mode 0600), host id ${hostId}`), hostId };
  } catch (e) {
    return { result: fail('node_key', `node key ${input.nodeKeyFile} is unreadable: ${reason(e)}`, 'restore it from backup, or remove it and enroll again (a new host id)'), hostId: null };
  }
}

function enrollmentCheck(input: DoctorInput, hostId: string | null): CheckResult {
  const e = input.enrollment;
  if (e && hostId && e.hostId === hostId) return pass('enrolled', `enrolled with ${e.broker} since ${e.enrolledAt}`);
  if (input.settings?.enrollToken) return warn('enrolled', 'not enrolled yet; the configured enrollment token will be used on the first connection', 'run cocoon-host run (or enroll) to complete enrollment');
  return fail('enrolled', e ? `the saved enrollment is for ${e.hostId}, not this node key` : 'this machine has not enrolled with a broker', 'run the enroll command from Add machine in the app');
}

async function tdxCheck(input: DoctorInput, p: DoctorProbes): Promise<CheckResult> {
  if (input.settings?.tee === 'simulated') {
    return fail('tdx', 'tee is simulated: prompts would not be confidential and production brokers refuse simulated hosts', 'set tee to auto (COCOON_TEE=auto) inside a TDX confidential VM');
  }
  if (await p.tsmAvailable(p.tsmRoot)) return pass('tdx', `TDX guest: configfs-tsm at ${p.tsmRoot}`);
  return fail(
    'tdx',
    `no configfs-tsm at ${p.tsmRoot}: this is not a TDX guest (or its kernel lacks TSM reports, or configfs is not mounted)`,
    'run the agent inside a TDX confidential VM (BIOS: TDX on; guest kernel 6.7+ with CONFIG_TSM_REPORTS; mount -t configfs none /sys/kernel/config)',
  );
}

function gpuChecks(survey: GpuSurvey, nvidiaSmi: string): CheckResult[] {
  if (!survey.gpus.length) {
    const why = survey.problem ?? `${nvidiaSmi} lists no GPUs`;
    return [
      fail('gpu', `no NVIDIA GPU found: ${why}`, 'pass a Hopper/Blackwell GPU through to this VM and install the NVIDIA data-center driver with nvidia-smi'),
      skip('gpu_cc', 'no GPU to check'),
    ];
  }
  const list = survey.gpus.map((g) => `${g.name} (${g.memoryMiB} MiB)`).join(', ');
  const present = pass('gpu', `${survey.gpus.length} GPU${survey.gpus.length > 1 ? 's' : ''}: ${list}`);
  const { state, devTools, ready } = survey.cc;
  if (state === null) return [present, fail('gpu_cc', `${nvidiaSmi} conf-compute reports no CC state: the driver has no confidential-computing support`, 'install an NVIDIA driver with CC support (R550 or later) in the VM')];
  if (state !== 'on') return [present, fail('gpu_cc', `GPU confidential-computing mode is ${state}`, 'on the host: nvidia_gpu_tools.py --set-cc-mode=on --reset-after-cc-mode-switch, then restart the VM')];
  if (devTools) return [present, fail('gpu_cc', 'GPU CC DevTools (debug) mode is on: GPU memory can be inspected', 'on the host: nvidia_gpu_tools.py --set-cc-mode=on (not devtools) --reset-after-cc-mode-switch')];
  if (ready === false) return [present, fail('gpu_cc', 'CC mode on, debug off, but the GPUs are not ready for work', 'after GPU attestation succeeds: nvidia-smi conf-compute -srs 1')];
  return [present, pass('gpu_cc', `CC mode on, DevTools off${ready ? ', GPUs ready' : ''}`)];
}

async function gpuEvidenceCheck(input: DoctorInput, survey: GpuSurvey, p: DoctorProbes): Promise<CheckResult> {
  const s = input.settings;
  if (!s) return skip('gpu_evidence', 'configuration invalid');
  if (s.gpu === 'off') return survey.gpus.length ? fail('gpu_evidence', 'GPUs present but GPU evidence is off (gpu: off): clients would see a GPU-less host', 'set gpu to auto and gpuEvidenceCmd') : skip('gpu_evidence', 'gpu: off');
  if (!s.gpuEvidenceCmd) {
    return survey.gpus.length
      ? fail('gpu_evidence', 'GPUs present but no gpuEvidenceCmd: their evidence would not be in the attestation', 'set gpuEvidenceCmd (COCOON_GPU_EVIDENCE_CMD) to the evidence program, see host/attestation/gpu-evidence.ts')
      : skip('gpu_evidence', 'no GPU and no gpuEvidenceCmd');
  }
  try {
    const n = await p.collectGpuEvidence(s.gpuEvidenceCmd, input.gpuEnv);
    if (survey.gpus.length && n !== survey.gpus.length) return warn('gpu_evidence', `the evidence command reported ${n} GPUs, nvidia-smi lists ${survey.gpus.length}`, 'put every GPU in CC mode, or restrict the VM to the GPUs that are');
    return pass('gpu_evidence', `${s.gpuEvidenceCmd[0]} returned evidence for ${n} GPU${n > 1 ? 's' : ''}`);
  } catch (e) {
    return fail('gpu_evidence', reason(e), 'run the command by hand with a 64-hex nonce argument and fix what it says');
  }
}

async function engineChecks(input: DoctorInput, p: DoctorProbes): Promise<CheckResult[]> {
  const s = input.settings;
  if (!s) return [skip('engine', 'configuration invalid'), skip('model_digests', 'configuration invalid')];
  if (s.tee !== 'simulated' && !isLoopbackUrl(s.engineUrl)) {
    return [fail('engine', `engineUrl ${s.engineUrl} is not on loopback: under TDX the engine must run inside this VM`, 'bind vLLM to 127.0.0.1 and set engineUrl to http://127.0.0.1:8000/v1'), skip('model_digests', 'engine not usable')];
  }
  let models: EngineModel[];
  try {
    const client = createEngineClient({ baseUrl: s.engineUrl, apiKey: s.engineApiKey, fetch: p.fetch });
    models = await client.listModels(AbortSignal.timeout(TIMEOUT_MS));
  } catch (e) {
    return [fail('engine', `engine at ${s.engineUrl} not usable: ${reason(e)}`, 'start vLLM (deploy/host/compose.yaml or vllm.service) and check engineUrl and engineApiKey'), skip('model_digests', 'engine not reachable')];
  }
  if (!models.length) return [fail('engine', `engine at ${s.engineUrl} serves no models`, 'start vLLM with --model <id>'), skip('model_digests', 'no models')];
  const engine = pass('engine', `engine at ${s.engineUrl} serves ${models.map((m) => m.id).join(', ')}`);
  const missing = models.filter((m) => !s.modelDigests[m.id]).map((m) => m.id);
  if (missing.length) {
    return [engine, fail('model_digests', `no weights digest configured for ${missing.join(', ')}`, 'add each to modelDigests: sha256 of the weights as the published policy lists them (see deploy/host/README.md)')];
  }
  const extra = Object.keys(s.modelDigests).filter((id) => !models.some((m) => m.id === id));
  if (extra.length) return [engine, warn('model_digests', `digests configured for models the engine does not serve: ${extra.join(', ')}`, 'remove them, or start the engine with those models')];
  return [engine, pass('model_digests', `a weights digest for each of the ${models.length} served model${models.length > 1 ? 's' : ''}`)];
}

async function pccsCheck(input: DoctorInput, p: DoctorProbes): Promise<CheckResult> {
  const s = input.settings;
  if (!s) return skip('pccs', 'configuration invalid');
  if (s.tee === 'simulated') return skip('pccs', 'simulated TEE needs no Intel collateral');
  const url = `${s.pccsUrl.replace(/\/+$/, '')}/tdx/certification/v4/qe/identity`;
  try {
    const res = await p.fetch(url, { signal: AbortSignal.timeout(TIMEOUT_MS) });
    await res.body?.cancel();
    if (res.ok) return pass('pccs', `Intel collateral reachable at ${s.pccsUrl}`);
    return fail('pccs', `${url} answered HTTP ${res.status}`, 'check pccsUrl (COCOON_PCCS_URL): a PCCS or Intel PCS serving PCS API v4');
  } catch (e) {
    return fail('pccs', `Intel collateral unreachable at ${s.pccsUrl}: ${reason(e)}`, 'allow HTTPS to the PCCS (or api.trustedservices.intel.com), or set pccsUrl');
  }
}

async function brokerChecks(input: DoctorInput, p: DoctorProbes): Promise<CheckResult[]> {
  if (!input.brokers.length) {
    return [fail('broker', 'no broker configured and none saved by enroll', 'run the enroll command from Add machine in the app (it carries --broker)'), skip('clock', 'no broker to compare with')];
  }
  const results: CheckResult[] = [];
  let skewS: number | null = null;
  let skewFrom = '';
  for (const b of input.brokers) {
    const url = `${b.origin}/healthz`;
    try {
      const sent = p.now();
      const res = await p.fetch(url, { signal: AbortSignal.timeout(TIMEOUT_MS) });
      await res.body?.cancel();
      const date = res.headers.get('date');
      if (date && skewS === null && !Number.isNaN(Date.parse(date))) {
        // The Date header has whole seconds: half the round trip is noise, not skew.
        skewS = Math.abs((sent + p.now()) / 2 - Date.parse(date)) / 1000;
        skewFrom = b.origin;
      }
      results.push(res.ok ? pass('broker', `broker ${b.origin} reachable`) : fail('broker', `${url} answered HTTP ${res.status}`, 'the broker is down or the URL is wrong: copy it from Add machine in the app'));
    } catch (e) {
      results.push(fail('broker', `broker ${b.origin} unreachable: ${reason(e)}`, 'check the URL and that outbound HTTPS to it is allowed'));
    }
  }
  if (skewS === null) results.push(skip('clock', 'no broker Date header to compare with'));
  else {
    const shown = `${skewS.toFixed(1)} s`;
    const fix = 'enable NTP: timedatectl set-ntp true (chrony or systemd-timesyncd)';
    if (skewS > FAIL_SKEW_S) results.push(fail('clock', `clock differs from ${skewFrom} by ${shown}: attestation bundles would be refused`, fix));
    else if (skewS > WARN_SKEW_S) results.push(warn('clock', `clock differs from ${skewFrom} by ${shown}`, fix));
    else results.push(pass('clock', `clock within ${shown} of ${skewFrom}`));
  }
  return results;
}

/** Every check, in the order an operator fixes them. Never throws: a probe that fails is a FAIL. */
export async function runChecks(input: DoctorInput, p: DoctorProbes): Promise<CheckResult[]> {
  const guard = async <T>(id: string, f: () => Promise<T>, onError: (r: CheckResult) => T): Promise<T> => {
    try {
      return await f();
    } catch (e) {
      return onError(fail(id, `check failed: ${isCocoonError(e) ? `${e.code}: ` : ''}${reason(e)}`, 'report this output to the Cocoon maintainers'));
    }
  };
  const key = await guard('node_key', () => nodeKeyCheck(input, p), (result) => ({ result, hostId: null }));
  const survey = await surveyGpus(p.run, input.nvidiaSmi);
  return [
    configCheck(input),
    key.result,
    enrollmentCheck(input, key.hostId),
    await guard('tdx', () => tdxCheck(input, p), (r) => r),
    ...gpuChecks(survey, input.nvidiaSmi),
    await guard('gpu_evidence', () => gpuEvidenceCheck(input, survey, p), (r) => r),
    ...(await guard('engine', () => engineChecks(input, p), (r) => [r])),
    await guard('pccs', () => pccsCheck(input, p), (r) => r),
    ...(await guard('broker', () => brokerChecks(input, p), (r) => [r])),
  ];
}

/** Ready to serve: nothing failed. */
export const isReady = (results: readonly CheckResult[]) => results.every((r) => r.status !== 'fail');
