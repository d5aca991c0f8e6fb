import ort from 'onnxruntime-node';

type Run = (this: ort.InferenceSession, ...args: Parameters<ort.InferenceSession['run']>) => ReturnType<ort.InferenceSession['run']>;

/**
 * Times every session.run in this process, whoever calls it: the pure model time inside a pipeline. `reset()`
 * starts a new measurement, `elapsed()` reads it (milliseconds).
 */
export function timeSessionRuns(): { reset(): void; elapsed(): number } {
  let ms = 0;
  const sessionClass = ort.InferenceSession as unknown as { prototype: { run: Run } };
  const run = sessionClass.prototype.run;
  sessionClass.prototype.run = async function (...args) {
    const started = performance.now();
    try {
      return await run.apply(this, args);
    } finally {
      ms += performance.now() - started;
    }
  };
  return { reset: () => (ms = 0), elapsed: () => ms };
}
