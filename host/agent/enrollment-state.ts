import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { z } from 'zod';

/**
 * What the agent remembers of its enrollment, beside the node key: once a broker has welcomed this
 * node id, later connections present only the node key's signature, never the one-time token again.
 */
export const EnrollmentStateSchema = z.object({
  hostId: z.string().min(1),
  /** The broker origin that accepted the enrollment (https://broker.example). */
  broker: z.string().min(1),
  enrolledAt: z.iso.datetime(),
});
export type EnrollmentState = z.infer<typeof EnrollmentStateSchema>;

export const enrollmentStateFile = (nodeKeyFile: string) => join(dirname(nodeKeyFile), 'enrollment.json');

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** The saved enrollment, or null when there is none (or it is unreadable: the agent then enrolls again). */
export function readEnrollment(nodeKeyFile: string): EnrollmentState | null {
  let text: string;
  try {
    text = readFileSync(enrollmentStateFile(nodeKeyFile), 'utf8');
  } catch {
    return null;
  }
  const parsed = EnrollmentStateSchema.safeParse(parseJson(text));
  return parsed.success ? parsed.data : null;
}

/** True when this node id is enrolled with one of these broker origins. */
export const isEnrolled = (state: EnrollmentState | null, hostId: string, brokerOrigins: readonly string[]): boolean =>
  state !== null && state.hostId === hostId && brokerOrigins.includes(state.broker);

/** Saves the enrollment atomically (write, then rename), readable by the agent's user only. */
export function writeEnrollment(nodeKeyFile: string, state: EnrollmentState): void {
  const file = enrollmentStateFile(nodeKeyFile);
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(EnrollmentStateSchema.parse(state), null, 2) + '\n', { mode: 0o600 });
  renameSync(tmp, file);
}
