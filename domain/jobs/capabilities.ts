import type { RestorationModel, UpscalerName } from './parameters.js';
import { UPSCALER_NAMES } from './parameters.js';
import type { JobPlan } from './plan.js';

/**
 * What one inference worker can run, in the job vocabulary: it advertises this while it polls its task queue, and
 * the API prices and admits jobs by it (a job no live worker can run is refused before anything is charged).
 */
export interface WorkerCapabilities {
  executionProvider: 'cpu' | 'cuda';
  upscalers: UpscalerName[];
  /** What an upscale (or a restoration's background upscale) that names no model runs there. */
  defaultUpscaler: UpscalerName | null;
  restorers: RestorationModel[];
  faceDetection: boolean;
  faceSwap: boolean;
  /** Generated stand-ins it serves jobs with (development only; production workers never load them). */
  placeholders: string[];
}

/** Why no worker of `fleet` can run the plan (the first missing piece), or undefined when one can. */
export function unavailableReason(plan: JobPlan, fleet: readonly WorkerCapabilities[]): string | undefined {
  if (fleet.length === 0) return 'no inference worker is running';
  const reasons = fleet.map((worker) => missingOn(plan, worker));
  return reasons.includes(undefined) ? undefined : reasons[0];
}

function missingOn(plan: JobPlan, worker: WorkerCapabilities): string | undefined {
  if (plan.upscale) {
    const upscaler = plan.upscaler ?? worker.defaultUpscaler;
    if (!upscaler || !worker.upscalers.includes(upscaler)) return `the upscaler ${plan.upscaler ?? '(default)'} is not available`;
  }
  if (plan.detectFaces !== 'none' && !worker.faceDetection) return 'face detection is not available';
  if (plan.restore && !worker.restorers.includes(plan.restore.model)) return `the restoration model ${plan.restore.model} is not available`;
  if (plan.swap && !worker.faceSwap) return 'face swap is not available';
  return undefined;
}

/**
 * The upscaler a job that names none is priced by and runs: the default most live workers advertise (ties to the
 * better model), so that writing it into the job makes any of them run what was priced. null without workers.
 */
export function fleetDefaultUpscaler(fleet: readonly WorkerCapabilities[]): UpscalerName | null {
  const votes = new Map<UpscalerName, number>();
  for (const { defaultUpscaler } of fleet) if (defaultUpscaler) votes.set(defaultUpscaler, (votes.get(defaultUpscaler) ?? 0) + 1);
  let best: UpscalerName | null = null;
  for (const name of UPSCALER_NAMES) if ((votes.get(name) ?? 0) > (best ? votes.get(best)! : 0)) best = name;
  return best;
}

/** How often a running worker refreshes its advertisement, and how recent one must be for the worker to count as live. */
export const ADVERTISEMENT_INTERVAL_MS = 10_000;
export const LIVE_WITHIN_MS = 3 * ADVERTISEMENT_INTERVAL_MS;
/**
 * How long a queue's fleet is remembered after its last worker stopped: a fleet scaled to zero (the Helm chart's
 * KEDA scaler starts workers from the queue's backlog) still admits the jobs it last could run, or none would ever
 * queue to wake it.
 */
export const FLEET_MEMORY_MS = 24 * 60 * 60 * 1000;
