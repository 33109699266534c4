import { expose } from 'comlink';
import { createCryptoService } from './service';

/** The crypto web worker: every key and HPKE context of the Mini App lives and dies here. */
expose(createCryptoService());
