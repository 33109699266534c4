import '../no-eval';
import { expose } from 'comlink';
import { ALLOW_SIMULATED_TEE, POLICY_KEYS } from '../config';
import { indexedDbKeyStore } from './key-store-idb';
import { createCryptoService } from './service';

/**
 * The crypto web worker: every key and HPKE context of the Mini App lives and dies here. The
 * operator keys the attestation policy must be signed with are compiled into it; the key that
 * encrypts conversations on the device is kept (non-extractable) in its IndexedDB.
 */
expose(createCryptoService({ pinnedPolicyKeys: POLICY_KEYS, allowSimulated: ALLOW_SIMULATED_TEE, storageKeys: indexedDbKeyStore }));
