import type { InferenceSession } from 'onnxruntime-node';
import type { Dim, ModelSpec, TensorSpec } from './catalog.js';
import type { TensorInfo } from './manifest.js';

/** Session tensor names keyed by the catalog's role keys (e.g. { image: 'x', weight: 'w' }). */
export type Binding<K extends string> = Record<K, string>;

export function describeTensors(metadata: readonly InferenceSession.ValueMetadata[]): TensorInfo[] {
  return metadata.map((value) =>
    value.isTensor
      ? { name: value.name, type: value.type, shape: [...value.shape] }
      : { name: value.name, type: 'non-tensor', shape: [] },
  );
}

/** A fixed expected extent must match a fixed actual one; dynamic axes on either side match anything. */
function dimsMatch(expected: readonly Dim[], actual: readonly Dim[]): boolean {
  return (
    expected.length === actual.length &&
    expected.every((dim, i) => typeof dim === 'string' || typeof actual[i] === 'string' || dim === actual[i])
  );
}

function bindSide(
  side: 'input' | 'output',
  specs: Record<string, TensorSpec>,
  actual: readonly TensorInfo[],
): Record<string, string> {
  const keys = Object.keys(specs);
  const binding: Record<string, string> = {};
  for (const key of keys) {
    const spec = specs[key]!;
    // Exports name tensors differently; a lone tensor on each side needs no name to be found.
    const found =
      actual.find((tensor) => spec.names.includes(tensor.name)) ??
      (keys.length === 1 && actual.length === 1 ? actual[0] : undefined);
    if (!found) throw new Error(`no ${side} named ${spec.names.join(' or ')}`);
    if (found.type !== spec.type || !dimsMatch(spec.shape, found.shape)) {
      throw new Error(
        `${side} ${found.name} is ${found.type}[${found.shape.join(',')}], expected ${spec.type}[${spec.shape.join(',')}]`,
      );
    }
    binding[key] = found.name;
  }
  return binding;
}

/** Matches a model's tensors to the catalog signature; throws a readable reason when they differ. */
export function bindSignature<S extends ModelSpec>(
  spec: S,
  inputs: readonly TensorInfo[],
  outputs: readonly TensorInfo[],
): { inputs: Binding<Extract<keyof S['inputs'], string>>; outputs: Binding<Extract<keyof S['outputs'], string>> } {
  return {
    inputs: bindSide('input', spec.inputs, inputs) as Binding<Extract<keyof S['inputs'], string>>,
    outputs: bindSide('output', spec.outputs, outputs) as Binding<Extract<keyof S['outputs'], string>>,
  };
}
