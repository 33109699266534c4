import { CocoonError, type ErrorCode, type WireError } from '../errors';
import type { Check } from '../protocol/attestation-bundle';

/**
 * The record of a verification: every check by name, in order (ARCHITECTURE.md, "The confidential
 * path", step 3). A check either passed, failed with a stable code, or was skipped: not applicable
 * (no collateral, no allowlist) or not evaluated because a check it needs failed. Skipped checks
 * carry `ok: false` so nothing can count them as passed; they alone never fail a verification.
 */
export class CheckLog {
  readonly checks: Check[] = [];
  private firstError?: WireError;

  pass(name: string, reason?: string): void {
    this.checks.push(reason ? { name, ok: true, reason } : { name, ok: true });
  }

  fail(name: string, code: ErrorCode, reason: string): void {
    this.checks.push({ name, ok: false, reason });
    this.firstError ??= { code, message: reason };
  }

  /** Not applicable under this policy or input. */
  skip(name: string, reason: string): void {
    this.checks.push({ name, ok: false, skipped: true, reason });
  }

  /** Not evaluated because `needs` failed; the verification has already failed. */
  blocked(name: string, needs: string): void {
    this.checks.push({ name, ok: false, skipped: true, reason: `not evaluated: ${needs} failed` });
  }

  /**
   * Runs one check: its CocoonError becomes a failure with that code; anything else becomes an
   * `internal` failure whose message is not shown (it may hold internals). A check that returns a
   * string passes with it as the reason, unless `passReason` says otherwise. Returns the check's
   * value, or undefined when it failed.
   */
  async run<T>(name: string, check: () => T | Promise<T>, passReason?: (value: T) => string | undefined): Promise<T | undefined> {
    try {
      const value = await check();
      this.pass(name, passReason ? passReason(value) : typeof value === 'string' ? value : undefined);
      return value;
    } catch (e) {
      if (e instanceof CocoonError) this.fail(name, e.code, e.message);
      else this.fail(name, 'internal', 'unexpected verifier error');
      return undefined;
    }
  }

  passed(name: string): boolean {
    return this.checks.some((c) => c.name === name && c.ok);
  }

  get ok(): boolean {
    return this.firstError === undefined && this.checks.length > 0;
  }

  get error(): WireError | undefined {
    return this.firstError;
  }
}

/** A verification time must be a real instant: NaN would make every validity comparison pass. */
export function validTime(ms: number): number {
  if (!Number.isFinite(ms)) throw new CocoonError('internal', 'the verification time is not a valid date');
  return ms;
}
