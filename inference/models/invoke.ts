import type ort from 'onnxruntime-node';
import type { ModelName } from './catalog.js';
import type { LoadedModel } from './registry.js';

/** Runs a model with feeds and results keyed by the catalog's role keys instead of the file's tensor names. */
export async function invoke<N extends ModelName>(
  model: LoadedModel<N>,
  feeds: Record<keyof LoadedModel<N>['inputs'], ort.Tensor>,
): Promise<Record<keyof LoadedModel<N>['outputs'], ort.Tensor>> {
  const named: Record<string, ort.Tensor> = {};
  for (const [key, name] of Object.entries(model.inputs) as [keyof typeof feeds, string][]) named[name] = feeds[key];
  const results = await model.session.run(named);
  const out = {} as Record<keyof LoadedModel<N>['outputs'], ort.Tensor>;
  for (const [key, name] of Object.entries(model.outputs) as [keyof typeof out, string][]) out[key] = results[name]!;
  return out;
}
