import { describe, expect, it } from 'vitest';
import { buf, fromHex, toHex, utf8 } from '../protocol/encoding';
import * as ref from '../testing/hpke-reference';
import { HPKE_VECTOR_FILE, parseHpkeVector } from '../testing/hpke-vector';
import { readVectorText } from '../testing/vectors';
import { hpkeSuite } from './hpke-suite';

/*
 * An independent, from-the-text implementation of RFC 9180's base mode for our suite
 * (shared/testing/hpke-reference.ts: WebCrypto's X25519, HMAC and AES-GCM only) reproduces every
 * value of the final RFC 9180 test vector, the intermediate ones included (shared_secret and the
 * key schedule, which @hpke/core does not expose), and agrees with @hpke/core beyond the vector.
 */
const vector = parseHpkeVector(readVectorText(HPKE_VECTOR_FILE));
const info = fromHex(vector.info);

describe('an independent RFC 9180 implementation against the final vector', () => {
  it('DeriveKeyPair(ikmR) and DeriveKeyPair(ikmE) give the vector key pairs', async () => {
    const r = await ref.deriveKeyPair(fromHex(vector.ikmR));
    const e = await ref.deriveKeyPair(fromHex(vector.ikmE));
    expect([toHex(r.sk), toHex(r.pk), toHex(e.sk), toHex(e.pk)]).toEqual([vector.skRm, vector.pkRm, vector.skEm, vector.pkEm]);
  });

  it('Encap with the ephemeral key gives enc and shared_secret', async () => {
    const { enc, sharedSecret } = await ref.encap(fromHex(vector.skEm), fromHex(vector.pkEm), fromHex(vector.pkRm));
    expect(toHex(enc)).toBe(vector.enc);
    expect(toHex(sharedSecret)).toBe(vector.shared_secret);
  });

  it('Decap of enc with skRm gives shared_secret', async () => {
    expect(toHex(await ref.decap(fromHex(vector.enc), fromHex(vector.skRm)))).toBe(vector.shared_secret);
  });

  it.each(['key_schedule_context', 'secret', 'key', 'base_nonce', 'exporter_secret'] as const)('the key schedule gives %s', async (field) => {
    const ks = await ref.keySchedule(fromHex(vector.shared_secret), info);
    const ours = { key_schedule_context: ks.keyScheduleContext, secret: ks.secret, key: ks.key, base_nonce: ks.baseNonce, exporter_secret: ks.exporterSecret };
    expect(toHex(ours[field])).toBe(vector[field]);
  });

  it('every encryption: the nonce, the sealed ct and the opened pt', async () => {
    const ks = await ref.keySchedule(fromHex(vector.shared_secret), info);
    const got = [];
    for (const [seq, e] of vector.encryptions.entries()) {
      got.push({
        nonce: toHex(ref.computeNonce(ks.baseNonce, seq)),
        ct: toHex(await ref.sealAt(ks, seq, fromHex(e.aad), fromHex(e.pt))),
        pt: toHex(await ref.openAt(ks, seq, fromHex(e.aad), fromHex(e.ct))),
      });
    }
    expect(got).toEqual(vector.encryptions.map(({ nonce, ct, pt }) => ({ nonce, ct, pt })));
  });

  it('every export gives exported_value', async () => {
    const ks = await ref.keySchedule(fromHex(vector.shared_secret), info);
    const got = [];
    for (const x of vector.exports) got.push(toHex(await ref.exportSecret(ks.exporterSecret, fromHex(x.exporter_context), x.L)));
    expect(got).toEqual(vector.exports.map((x) => x.exported_value));
  });
});

describe('@hpke/core against the independent implementation', () => {
  it('seals other messages and exports other contexts exactly as RFC 9180 base mode specifies', async () => {
    const otherInfo = utf8('cocoon request');
    const recipient = await hpkeSuite.kem.deriveKeyPair(buf(fromHex(vector.ikmR)));
    const ephemeral = await ref.deriveKeyPair(fromHex(vector.ikmE));
    const ekm = {
      privateKey: await hpkeSuite.kem.importKey('raw', buf(ephemeral.sk).buffer, false),
      publicKey: await hpkeSuite.kem.importKey('raw', buf(ephemeral.pk).buffer, true),
    };
    const sender = await hpkeSuite.createSenderContext({ recipientPublicKey: recipient.publicKey, info: buf(otherInfo), ekm });
    const { sharedSecret } = await ref.encap(ephemeral.sk, ephemeral.pk, fromHex(vector.pkRm));
    const ks = await ref.keySchedule(sharedSecret, otherInfo);
    for (let seq = 0; seq < 3; seq++) {
      const pt = utf8(`message ${seq}`);
      const aad = utf8(`Count-${seq}`);
      expect(toHex(new Uint8Array(await sender.seal(buf(pt), buf(aad))))).toBe(toHex(await ref.sealAt(ks, seq, aad, pt)));
    }
    const exporterContext = utf8('cocoon response');
    expect(toHex(new Uint8Array(await sender.export(buf(exporterContext), 48)))).toBe(toHex(await ref.exportSecret(ks.exporterSecret, exporterContext, 48)));
  });
});
