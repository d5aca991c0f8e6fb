import { readFile } from 'node:fs/promises';
import onnxProto from 'onnx-proto';

const { onnx } = onnxProto;

/**
 * The graph's last initializer as float32 — inswapper keeps its embedding projection (emap) there.
 * ONNX Runtime does not expose initializers, so the protobuf is decoded once.
 */
export async function readLastInitializer(file: string): Promise<{ name: string; dims: number[]; data: Float32Array }> {
  const model = onnx.ModelProto.decode(await readFile(file));
  const initializers = model.graph?.initializer ?? [];
  const last = initializers[initializers.length - 1];
  if (!last) throw new Error('the model has no initializers');
  if (last.dataType !== onnx.TensorProto.DataType.FLOAT) throw new Error(`initializer ${last.name} is not float32`);
  const dims = (last.dims ?? []).map(Number);
  const raw = last.rawData;
  // Copy: the decoded bytes alias the whole file buffer, which should not stay alive for one matrix.
  const data =
    raw && raw.byteLength > 0
      ? new Float32Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength))
      : Float32Array.from(last.floatData ?? []);
  return { name: last.name ?? '', dims, data };
}
