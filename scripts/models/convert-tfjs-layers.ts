import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type onnxProto from 'onnx-proto';
import { attr, encodeModel, floatInitializer, node, valueInfo } from './onnx-builder.js';

/** The parts of a TFJS layers-model model.json that ESRGAN-slim uses. */
interface TfjsModelJson {
  modelTopology: {
    model_config: {
      config: {
        layers: {
          class_name: string;
          config: { name: string; padding?: string; activation?: string; size?: number[] };
          inbound_nodes: [string, ...unknown[]][][];
        }[];
        output_layers: [string, ...unknown[]][];
      };
    };
  };
  weightsManifest: { paths: string[]; weights: { name: string; shape: number[]; dtype: string }[] }[];
}

async function readWeights(dir: string, json: TfjsModelJson): Promise<Map<string, { shape: number[]; data: Float32Array }>> {
  const weights = new Map<string, { shape: number[]; data: Float32Array }>();
  for (const group of json.weightsManifest) {
    const bin = Buffer.concat(await Promise.all(group.paths.map((file) => readFile(path.join(dir, file)))));
    let offset = 0;
    for (const weight of group.weights) {
      if (weight.dtype !== 'float32') throw new Error(`weight ${weight.name} is ${weight.dtype}, expected float32`);
      const count = weight.shape.reduce((a, b) => a * b, 1);
      weights.set(weight.name, { shape: weight.shape, data: new Float32Array(bin.buffer.slice(bin.byteOffset + offset, bin.byteOffset + offset + 4 * count)) });
      offset += 4 * count;
    }
  }
  return weights;
}

/**
 * Converts an @upscalerjs ESRGAN layers model (Conv, ReLU, Add, Concat, nearest UpSampling, MultiplyBeta,
 * PixelShuffle) to ONNX. The slim models work on [0, 255] pixels (those with MultiplyBeta on [0, 1]); the graph
 * rescales so that the ONNX interface is always Real-ESRGAN's ([1, 3, h, w] RGB in [0, 1]) and the upscaler
 * families are interchangeable.
 */
export async function convertEsrganLayersModel(modelDir: string, scale: number): Promise<Buffer> {
  const json = JSON.parse(await readFile(path.join(modelDir, 'model.json'), 'utf8')) as TfjsModelJson;
  const weights = await readWeights(modelDir, json);
  const weight = (name: string) => {
    const found = weights.get(name);
    if (!found) throw new Error(`missing weight ${name}`);
    return found;
  };
  const nodes: onnxProto.onnx.INodeProto[] = [];
  const initializers: onnxProto.onnx.ITensorProto[] = [];
  let inputName = '';

  for (const layer of json.modelTopology.model_config.config.layers) {
    const { name } = layer.config;
    const inputs = (layer.inbound_nodes[0] ?? []).map((inbound) => inbound[0]);
    switch (layer.class_name) {
      case 'InputLayer':
        inputName = name;
        break;
      case 'Conv2D': {
        if (layer.config.activation !== 'linear') throw new Error(`unsupported activation ${layer.config.activation}`);
        const kernel = weight(`${name}/kernel`);
        const [kh, kw, ci, co] = kernel.shape as [number, number, number, number];
        const oihw = new Float32Array(kernel.data.length);
        for (let h = 0; h < kh; h++)
          for (let w = 0; w < kw; w++)
            for (let i = 0; i < ci; i++)
              for (let o = 0; o < co; o++) oihw[((o * ci + i) * kh + h) * kw + w] = kernel.data[((h * kw + w) * ci + i) * co + o]!;
        initializers.push(floatInitializer(`${name}_W`, [co, ci, kh, kw], oihw), floatInitializer(`${name}_B`, [co], weight(`${name}/bias`).data));
        const pads = layer.config.padding === 'same' ? [kh >> 1, kw >> 1, kh >> 1, kw >> 1] : [0, 0, 0, 0];
        nodes.push(node('Conv', [inputs[0]!, `${name}_W`, `${name}_B`], [name], [attr.ints('pads', pads)]));
        break;
      }
      case 'Activation':
        if (layer.config.activation !== 'relu') throw new Error(`unsupported activation ${layer.config.activation}`);
        nodes.push(node('Relu', inputs, [name]));
        break;
      case 'Add':
        nodes.push(node('Add', inputs, [name]));
        break;
      case 'Concatenate':
        nodes.push(node('Concat', inputs, [name], [attr.int('axis', 1)]));
        break;
      case 'UpSampling2D':
        initializers.push(floatInitializer(`${name}_s`, [4], new Float32Array([1, 1, ...(layer.config.size ?? [2, 2])])));
        nodes.push(node('Resize', [inputs[0]!, '', `${name}_s`], [name], [attr.string('mode', 'nearest')]));
        break;
      case 'MultiplyBeta':
        initializers.push(floatInitializer(`${name}_b`, [1], new Float32Array([0.2])));
        nodes.push(node('Mul', [inputs[0]!, `${name}_b`], [name]));
        break;
      default:
        if (!layer.class_name.startsWith('PixelShuffle')) throw new Error(`unsupported layer ${layer.class_name}`);
        nodes.push(node('DepthToSpace', inputs, [name], [attr.int('blocksize', scale), attr.string('mode', 'DCR')]));
    }
  }
  const outputName = json.modelTopology.model_config.config.output_layers[0]?.[0];
  if (!inputName || !outputName) throw new Error('model.json has no input or output layer');

  const worksOn255 = !json.modelTopology.model_config.config.layers.some((layer) => layer.class_name === 'MultiplyBeta');
  const pixelScale = worksOn255 ? 255 : 1;
  initializers.push(
    floatInitializer('to_model_range', [1], new Float32Array([pixelScale])),
    floatInitializer('from_model_range', [1], new Float32Array([1 / pixelScale])),
  );
  return encodeModel(
    {
      name: `esrgan_slim_x${scale}`,
      node: [
        node('Mul', ['input', 'to_model_range'], [inputName]),
        ...nodes,
        node('Mul', [outputName, 'from_model_range'], ['output']),
      ],
      initializer: initializers,
      input: [valueInfo('input', 'float32', [1, 3, 'h', 'w'])],
      output: [valueInfo('output', 'float32', [1, 3, 'H', 'W'])],
    },
    'oneshot-tfjs-layers-to-onnx',
  );
}
