import { readFile } from 'node:fs/promises';
import type onnxProto from 'onnx-proto';
import { attr, encodeModel, floatInitializer, node, valueInfo } from './onnx-builder.js';

/** Bump when the converter's output changes: it is part of the conversion cache key. */
export const NCNN_CONVERTER_VERSION = 1;

/** ncnn stores fp16 weight blobs behind this tag (fp32 ones behind 0). */
const FP16_TAG = 0x01306b47;

function halfToFloat(bits: number): number {
  const sign = bits >> 15 ? -1 : 1, exponent = (bits >> 10) & 31, mantissa = bits & 1023;
  if (exponent === 0) return sign * mantissa * 2 ** -24;
  if (exponent === 31) return mantissa ? NaN : sign * Infinity;
  return sign * (1 + mantissa / 1024) * 2 ** (exponent - 15);
}

/** Reads the .bin blob in the order the layers consume it. */
class WeightReader {
  private offset = 0;
  constructor(private readonly bin: Buffer) {}

  /** A tagged weight blob (convolution kernels): fp16 or fp32. */
  tagged(count: number): Float32Array {
    const tag = this.bin.readUInt32LE(this.offset);
    this.offset += 4;
    if (tag === FP16_TAG) {
      const out = Float32Array.from({ length: count }, (_, i) => halfToFloat(this.bin.readUInt16LE(this.offset + 2 * i)));
      this.offset = (this.offset + 2 * count + 3) & ~3; // blobs are 4-byte aligned
      return out;
    }
    if (tag !== 0) throw new Error(`unsupported ncnn weight tag 0x${tag.toString(16)}`);
    return this.raw(count);
  }

  /** An untagged fp32 array (biases, PReLU slopes). */
  raw(count: number): Float32Array {
    const out = Float32Array.from({ length: count }, (_, i) => this.bin.readFloatLE(this.offset + 4 * i));
    this.offset += 4 * count;
    return out;
  }

  assertConsumed(): void {
    if (this.offset !== this.bin.length) throw new Error(`the .bin has ${this.bin.length} bytes, the graph used ${this.offset}`);
  }
}

/** One .param line: `Type name nIn nOut in… out… k=v…`; array values (`-233xx=n,a,b`) keep their count first. */
interface Layer {
  type: string;
  name: string;
  inputs: string[];
  outputs: string[];
  params: Map<number, number | number[]>;
}

function parseLayers(param: string): Layer[] {
  const lines = param.trim().split('\n');
  if (lines[0]?.trim() !== '7767517') throw new Error('not an ncnn .param file (magic 7767517)');
  return lines.slice(2).map((line) => {
    const tokens = line.trim().split(/\s+/);
    const [type = '', name = ''] = tokens;
    const inCount = Number(tokens[2]), outCount = Number(tokens[3]);
    const params = new Map<number, number | number[]>();
    for (const pair of tokens.slice(4 + inCount + outCount)) {
      const [key = '', value = ''] = pair.split('=');
      params.set(Number(key), value.includes(',') ? value.split(',').map(Number) : Number(value));
    }
    return { type, name, inputs: tokens.slice(4, 4 + inCount), outputs: tokens.slice(4 + inCount, 4 + inCount + outCount), params };
  });
}

const num = (layer: Layer, key: number, fallback: number): number => {
  const value = layer.params.get(key);
  if (Array.isArray(value)) throw new Error(`${layer.name}: parameter ${key} is an array`);
  return value ?? fallback;
};
/** Array parameters are stored as `count,v0,v1…`. */
const list = (layer: Layer, key: number): number[] | undefined => {
  const value = layer.params.get(key);
  return Array.isArray(value) ? value.slice(1) : undefined;
};

/**
 * Converts an ncnn model of the Real-ESRGAN families (RRDBNet x4plus, SRVGG x4fast) to ONNX with the project's
 * upscaler interface (`input` [1, 3, h, w] RGB in [0, 1] → `output` [1, 3, 4h, 4w]). Only the layer types
 * those graphs use are supported; anything else is refused rather than guessed. fp16 weights become fp32.
 */
export async function convertNcnnModel(paramFile: string, binFile: string, graphName: string): Promise<Buffer> {
  const layers = parseLayers(await readFile(paramFile, 'utf8'));
  const weights = new WeightReader(await readFile(binFile));
  const nodes: onnxProto.onnx.INodeProto[] = [];
  const initializers: onnxProto.onnx.ITensorProto[] = [];
  let inputName = '';

  for (const layer of layers) {
    const { name, inputs, outputs } = layer;
    switch (layer.type) {
      case 'Input':
        inputName = outputs[0]!;
        break;
      case 'Split':
        for (const output of outputs) nodes.push(node('Identity', inputs, [output]));
        break;
      case 'Convolution': {
        const co = num(layer, 0, 0), kw = num(layer, 1, 0), kh = num(layer, 11, kw);
        const weightCount = num(layer, 6, 0), ci = weightCount / (co * kw * kh);
        const stride = num(layer, 3, 1), pad = num(layer, 4, 0), activation = num(layer, 9, 0);
        if (num(layer, 2, 1) !== 1) throw new Error(`${name}: dilated convolutions are not supported`);
        initializers.push(floatInitializer(`${name}_W`, [co, ci, kh, kw], weights.tagged(weightCount)));
        const convInputs = [inputs[0]!, `${name}_W`];
        if (num(layer, 5, 0)) {
          initializers.push(floatInitializer(`${name}_B`, [co], weights.raw(co)));
          convInputs.push(`${name}_B`);
        }
        const convOutput = activation ? `${name}_linear` : outputs[0]!;
        nodes.push(node('Conv', convInputs, [convOutput], [attr.ints('pads', [pad, pad, pad, pad]), attr.ints('strides', [stride, stride])]));
        if (activation === 1) nodes.push(node('Relu', [convOutput], outputs));
        else if (activation === 2) nodes.push(node('LeakyRelu', [convOutput], outputs, [attr.float('alpha', list(layer, -23310)?.[0] ?? 0)]));
        else if (activation) throw new Error(`${name}: activation ${activation} is not supported`);
        break;
      }
      case 'PReLU': {
        const channels = num(layer, 0, 0);
        initializers.push(floatInitializer(`${name}_slope`, [channels, 1, 1], weights.raw(channels)));
        nodes.push(node('PRelu', [inputs[0]!, `${name}_slope`], outputs));
        break;
      }
      case 'PixelShuffle':
        // ncnn's PixelShuffle is PyTorch's, i.e. DepthToSpace in CRD order.
        nodes.push(node('DepthToSpace', inputs, outputs, [attr.int('blocksize', num(layer, 0, 1)), attr.string('mode', 'CRD')]));
        break;
      case 'Interp': {
        if (num(layer, 0, 0) !== 1) throw new Error(`${name}: only nearest interpolation is supported`);
        initializers.push(floatInitializer(`${name}_scales`, [4], new Float32Array([1, 1, num(layer, 1, 1), num(layer, 2, 1)])));
        nodes.push(node('Resize', [inputs[0]!, '', `${name}_scales`], outputs, [attr.string('mode', 'nearest')]));
        break;
      }
      case 'BinaryOp':
        if (num(layer, 0, 0) !== 0 || num(layer, 1, 0)) throw new Error(`${name}: only tensor + tensor is supported`);
        nodes.push(node('Add', inputs, outputs));
        break;
      case 'Eltwise': {
        if (num(layer, 0, 1) !== 1) throw new Error(`${name}: only the sum Eltwise is supported`);
        const coefficients = list(layer, -23301) ?? inputs.map(() => 1);
        const terms = inputs.map((input, i) => {
          if (coefficients[i] === 1) return input;
          initializers.push(floatInitializer(`${name}_c${i}`, [1], new Float32Array([coefficients[i]!])));
          nodes.push(node('Mul', [input, `${name}_c${i}`], [`${name}_t${i}`]));
          return `${name}_t${i}`;
        });
        nodes.push(node('Sum', terms, outputs));
        break;
      }
      case 'Concat':
        nodes.push(node('Concat', inputs, outputs, [attr.int('axis', num(layer, 0, 0) + 1)])); // ncnn axes skip the batch
        break;
      default:
        throw new Error(`${name}: ncnn layer ${layer.type} is not supported`);
    }
  }
  weights.assertConsumed();
  const last = nodes.at(-1)?.output?.[0];
  if (!inputName || !last) throw new Error('the graph has no input or no layers');
  return encodeModel(
    {
      name: graphName,
      node: [node('Identity', ['input'], [inputName]), ...nodes, ...(last === 'output' ? [] : [node('Identity', [last], ['output'])])],
      initializer: initializers,
      input: [valueInfo('input', 'float32', [1, 3, 'h', 'w'])],
      output: [valueInfo('output', 'float32', [1, 3, 'H', 'W'])],
    },
    `oneshot-ncnn-to-onnx-v${NCNN_CONVERTER_VERSION}`,
  );
}
