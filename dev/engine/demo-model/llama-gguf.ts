import type { BigramTable } from './bigram-model';
import type { GgufModel, GgufTensor, GgufValue } from './gguf-writer';
import { SpecialIds, type SpmVocab } from './spm-vocab';

const HEAD_DIM = 64;
const N_FF = 64;
const RMS_EPS = 1e-6;

/**
 * Packs a bigram table into a one-block `llama` model that llama.cpp runs unchanged:
 * `token_embd` maps each token one-hot onto its context, attention and FFN weights are zero so
 * the residual stream carries that one-hot through, and after the final RMSNorm (which turns
 * the one-hot 1 into `scale`) `output.weight` yields exactly log p(next | context).
 */
export function toLlamaGguf(vocab: SpmVocab, table: BigramTable, opts: { name: string; contextLength: number }): GgufModel {
  const nVocab = vocab.tokens.length;
  const nEmbd = Math.ceil(table.nContexts / HEAD_DIM) * HEAD_DIM;
  const nHead = nEmbd / HEAD_DIM;
  const scale = 1 / Math.sqrt(1 / nEmbd + RMS_EPS);

  const embd = new Float32Array(nVocab * nEmbd);
  const output = new Float32Array(nVocab * nEmbd);
  for (let t = 0; t < nVocab; t++) {
    embd[t * nEmbd + (table.contextOf[t] ?? 0)] = 1;
    for (let c = 0; c < table.nContexts; c++) {
      output[t * nEmbd + c] = (table.logProbs[t * table.nContexts + c] ?? 0) / scale;
    }
  }
  const ones = new Float32Array(nEmbd).fill(1);
  const zeros = (rows: number, cols: number): Float32Array => new Float32Array(rows * cols);
  const tensors: GgufTensor[] = [
    { name: 'token_embd.weight', shape: [nEmbd, nVocab], type: 'F16', data: embd },
    { name: 'output_norm.weight', shape: [nEmbd], type: 'F32', data: ones },
    { name: 'output.weight', shape: [nEmbd, nVocab], type: 'F32', data: output },
    { name: 'blk.0.attn_norm.weight', shape: [nEmbd], type: 'F32', data: ones },
    ...['attn_q', 'attn_k', 'attn_v', 'attn_output'].map((n): GgufTensor => (
      { name: `blk.0.${n}.weight`, shape: [nEmbd, nEmbd], type: 'F16', data: zeros(nEmbd, nEmbd) })),
    { name: 'blk.0.ffn_norm.weight', shape: [nEmbd], type: 'F32', data: ones },
    { name: 'blk.0.ffn_gate.weight', shape: [nEmbd, N_FF], type: 'F16', data: zeros(nEmbd, N_FF) },
    { name: 'blk.0.ffn_up.weight', shape: [nEmbd, N_FF], type: 'F16', data: zeros(nEmbd, N_FF) },
    { name: 'blk.0.ffn_down.weight', shape: [N_FF, nEmbd], type: 'F16', data: zeros(N_FF, nEmbd) },
  ];

  const u32 = (value: number): GgufValue => ({ type: 'uint32', value });
  const metadata: Array<readonly [string, GgufValue]> = [
    ['general.architecture', { type: 'string', value: 'llama' }],
    ['general.name', { type: 'string', value: opts.name }],
    ['general.description', { type: 'string', value: 'Word-bigram demo model learned from Debian license texts' }],
    ['general.file_type', u32(1)], // mostly F16
    ['llama.context_length', u32(opts.contextLength)],
    ['llama.embedding_length', u32(nEmbd)],
    ['llama.block_count', u32(1)],
    ['llama.feed_forward_length', u32(N_FF)],
    ['llama.attention.head_count', u32(nHead)],
    ['llama.attention.head_count_kv', u32(nHead)],
    ['llama.rope.dimension_count', u32(HEAD_DIM)],
    ['llama.attention.layer_norm_rms_epsilon', { type: 'float32', value: RMS_EPS }],
    ['llama.vocab_size', u32(nVocab)],
    ['tokenizer.ggml.model', { type: 'string', value: 'llama' }],
    ['tokenizer.ggml.tokens', { type: 'string[]', value: vocab.tokens }],
    ['tokenizer.ggml.scores', { type: 'float32[]', value: vocab.scores }],
    ['tokenizer.ggml.token_type', { type: 'int32[]', value: vocab.types }],
    ['tokenizer.ggml.unknown_token_id', u32(SpecialIds.unk)],
    ['tokenizer.ggml.bos_token_id', u32(SpecialIds.bos)],
    ['tokenizer.ggml.eos_token_id', u32(SpecialIds.eos)],
    ['tokenizer.ggml.add_bos_token', { type: 'bool', value: true }],
    ['tokenizer.ggml.add_eos_token', { type: 'bool', value: false }],
    ['tokenizer.ggml.add_space_prefix', { type: 'bool', value: true }],
  ];
  return { metadata, tensors };
}
