import onnxProto from 'onnx-proto';
import type { Dim, TensorType } from '../../inference/models/catalog.js';

const { onnx } = onnxProto;
const { DataType } = onnx.TensorProto;
const { AttributeType } = onnx.AttributeProto;

/** Small helpers for writing ONNX graphs with onnx-proto's generated protobuf classes. */
export const elemType = (type: TensorType): number => (type === 'float64' ? DataType.DOUBLE : DataType.FLOAT);

export const valueInfo = (name: string, type: TensorType, shape: readonly Dim[]): onnxProto.onnx.IValueInfoProto => ({
  name,
  type: {
    tensorType: {
      elemType: elemType(type),
      shape: { dim: shape.map((d) => (typeof d === 'string' ? { dimParam: d } : { dimValue: d })) },
    },
  },
});

export const floatInitializer = (name: string, dims: readonly number[], data: Float32Array): onnxProto.onnx.ITensorProto => ({
  name,
  dims: [...dims],
  dataType: DataType.FLOAT,
  rawData: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
});

export const int64Initializer = (name: string, values: readonly number[]): onnxProto.onnx.ITensorProto => ({
  name,
  dims: [values.length],
  dataType: DataType.INT64,
  int64Data: [...values],
});

type Attribute = onnxProto.onnx.IAttributeProto;
export const attr = {
  int: (name: string, i: number): Attribute => ({ name, type: AttributeType.INT, i }),
  float: (name: string, f: number): Attribute => ({ name, type: AttributeType.FLOAT, f }),
  ints: (name: string, ints: readonly number[]): Attribute => ({ name, type: AttributeType.INTS, ints: [...ints] }),
  string: (name: string, s: string): Attribute => ({ name, type: AttributeType.STRING, s: Buffer.from(s) }),
};

export const node = (
  opType: string,
  input: readonly string[],
  output: readonly string[],
  attribute: readonly Attribute[] = [],
): onnxProto.onnx.INodeProto => ({ opType, input: [...input], output: [...output], attribute: [...attribute] });

export function encodeModel(graph: onnxProto.onnx.IGraphProto, producerName: string): Buffer {
  const bytes = onnx.ModelProto.encode(
    onnx.ModelProto.create({ irVersion: 8, producerName, opsetImport: [{ domain: '', version: 13 }], graph }),
  ).finish();
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
