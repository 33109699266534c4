import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { CocoonError } from '@cocoon/shared/errors';
import { fromB64u } from '@cocoon/shared/protocol/encoding';
import { hostIdFromNodeKey, type signNodeHello } from '@cocoon/shared/protocol/node-key';

/**
 * The machine's persistent node key (issue 11): an Ed25519 key created once, kept in a 0600
 * PKCS#8 PEM file outside the enclave's per-boot keys. Its public key is the host id, so the id
 * survives restarts and nobody without the file can connect under it.
 */
export interface NodeKey {
  hostId: string;
  publicKey: Uint8Array;
  /** Non-extractable WebCrypto key, for signNodeHello. */
  privateKey: Parameters<typeof signNodeHello>[2];
}

/** Group or world bits: a node key readable by anyone but its owner is refused. */
const LOOSE_BITS = 0o077;

async function fromKeyObject(key: KeyObject): Promise<NodeKey> {
  if (key.asymmetricKeyType !== 'ed25519') throw new CocoonError('config.invalid', 'the node key file holds no Ed25519 private key');
  const jwk = createPublicKey(key).export({ format: 'jwk' });
  const publicKey = fromB64u(jwk.x ?? '');
  const der = key.export({ format: 'der', type: 'pkcs8' });
  const privateKey = await crypto.subtle.importKey('pkcs8', new Uint8Array(der), { name: 'Ed25519' }, false, ['sign']);
  return { hostId: hostIdFromNodeKey(publicKey), publicKey, privateKey };
}

/** A fresh node key that lives only in memory (tests, and the stand-in hosts of development). */
export async function generateNodeKey(): Promise<NodeKey> {
  return fromKeyObject(generateKeyPairSync('ed25519').privateKey);
}

export type NodeKeyFileState =
  | { state: 'missing' }
  | { state: 'ok'; mode: number }
  | { state: 'too_open'; mode: number }
  | { state: 'not_a_file' };

/** What is at the node key path, without reading the key (doctor, and the check before loading). */
export function inspectNodeKeyFile(file: string): NodeKeyFileState {
  let st;
  try {
    st = statSync(file);
  } catch (e) {
    if (e instanceof Error && 'code' in e && e.code === 'ENOENT') return { state: 'missing' };
    throw e;
  }
  if (!st.isFile()) return { state: 'not_a_file' };
  const mode = st.mode & 0o777;
  return (mode & LOOSE_BITS) !== 0 ? { state: 'too_open', mode } : { state: 'ok', mode };
}

const octal = (mode: number) => `0${mode.toString(8).padStart(3, '0')}`;

/**
 * Loads the node key at `file`, creating it (and its directory, 0700) when missing. Refuses a file
 * that group or others can read: a leaked node key lets anyone impersonate the machine.
 */
export async function loadOrCreateNodeKey(file: string): Promise<NodeKey & { created: boolean }> {
  const found = inspectNodeKeyFile(file);
  if (found.state === 'not_a_file') throw new CocoonError('config.invalid', `node key ${file} is not a regular file`);
  if (found.state === 'too_open') {
    throw new CocoonError('config.invalid', `node key ${file} has mode ${octal(found.mode)}: it must be readable by its owner only (run: chmod 600 ${file})`);
  }
  if (found.state === 'ok') {
    let key: KeyObject;
    try {
      key = createPrivateKey(readFileSync(file));
    } catch (e) {
      throw new CocoonError('config.invalid', `node key ${file} is not a PEM private key`, { cause: e });
    }
    return { ...(await fromKeyObject(key)), created: false };
  }
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  const { privateKey } = generateKeyPairSync('ed25519');
  try {
    // `wx`: two agents starting at once never overwrite each other's key; the later one loads it.
    writeFileSync(file, privateKey.export({ format: 'pem', type: 'pkcs8' }), { mode: 0o600, flag: 'wx' });
  } catch (e) {
    if (e instanceof Error && 'code' in e && e.code === 'EEXIST') return loadOrCreateNodeKey(file);
    throw e;
  }
  return { ...(await fromKeyObject(privateKey)), created: true };
}
