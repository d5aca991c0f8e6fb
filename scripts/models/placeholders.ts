import type onnxProto from 'onnx-proto';
import { MODEL_SPECS, type ModelSpec } from '../../inference/models/catalog.js';
import { attr, elemType, encodeModel, floatInitializer, int64Initializer, node, valueInfo } from './onnx-builder.js';

/**
 * Stand-ins for the models no registry ships. Each has exactly the production signature (names, dtypes,
 * shapes) so the pipelines run end to end, but computes something trivial: restorers return their input,
 * the swapper returns the target face, ArcFace projects mean colours. The manifest flags them as placeholders.
 */
export type PlaceholderName = 'gfpgan' | 'codeformer' | 'inswapper' | 'arcface';

function io(spec: ModelSpec): Pick<onnxProto.onnx.IGraphProto, 'input' | 'output'> {
  const info = (tensors: ModelSpec['inputs']) =>
    Object.values(tensors).map((tensor) => valueInfo(tensor.names[0]!, tensor.type, tensor.shape));
  return { input: info(spec.inputs), output: info(spec.outputs) };
}

const first = (tensor: { names: readonly string[] }) => tensor.names[0]!;

function gfpgan(): onnxProto.onnx.IGraphProto {
  const spec = MODEL_SPECS.gfpgan;
  return { name: 'gfpgan_placeholder', node: [node('Identity', [first(spec.inputs.image)], [first(spec.outputs.image)])], ...io(spec) };
}

/** The weight input is consumed (× 0 + 1) so that feeding it is exercised like in the real model. */
function codeformer(): onnxProto.onnx.IGraphProto {
  const spec = MODEL_SPECS.codeformer;
  return {
    name: 'codeformer_placeholder',
    node: [
      node('Cast', [first(spec.inputs.weight)], ['weight_f'], [attr.int('to', elemType('float32'))]),
      node('Mul', ['weight_f', 'zero'], ['weight_0']),
      node('Add', ['weight_0', 'one'], ['weight_1']),
      node('Mul', [first(spec.inputs.image), 'weight_1'], [first(spec.outputs.image)]),
    ],
    initializer: [floatInitializer('zero', [1], new Float32Array([0])), floatInitializer('one', [1], new Float32Array([1]))],
    ...io(spec),
  };
}

/** The source embedding is consumed (mean × 0), and the emap (identity) is the LAST initializer, as in inswapper. */
function inswapper(): onnxProto.onnx.IGraphProto {
  const spec = MODEL_SPECS.inswapper;
  const emap = new Float32Array(512 * 512);
  for (let i = 0; i < 512; i++) emap[i * 513] = 1;
  return {
    name: 'inswapper_placeholder',
    node: [
      node('ReduceMean', [first(spec.inputs.source)], ['source_mean'], [attr.int('keepdims', 1)]),
      node('Mul', ['source_mean', 'zero'], ['source_0']),
      node('Reshape', ['source_0', 'shape_1111'], ['source_4d']),
      node('Add', [first(spec.inputs.target), 'source_4d'], [first(spec.outputs.image)]),
    ],
    initializer: [floatInitializer('zero', [1], new Float32Array([0])), int64Initializer('shape_1111', [1, 1, 1, 1]), floatInitializer('emap', [512, 512], emap)],
    ...io(spec),
  };
}

function arcface(): onnxProto.onnx.IGraphProto {
  const spec = MODEL_SPECS.arcface;
  const projection = Float32Array.from({ length: 3 * 512 }, (_, i) => Math.sin(i + 1));
  return {
    name: 'arcface_placeholder',
    node: [
      node('GlobalAveragePool', [first(spec.inputs.image)], ['pooled']),
      node('Flatten', ['pooled'], ['flat']),
      node('MatMul', ['flat', 'projection'], [first(spec.outputs.embedding)]),
    ],
    initializer: [floatInitializer('projection', [3, 512], projection)],
    ...io(spec),
  };
}

const GRAPHS: Record<PlaceholderName, () => onnxProto.onnx.IGraphProto> = { gfpgan, codeformer, inswapper, arcface };

/** Deterministic bytes: the same placeholder always has the same sha256. */
export function generatePlaceholder(name: PlaceholderName): Buffer {
  return encodeModel(GRAPHS[name](), 'oneshot-placeholder');
}
