import { condition, defineSignal, proxyActivities, setHandler } from '@temporalio/workflow';

const steps = proxyActivities<{ step(name: string): Promise<string> }>({ startToCloseTimeout: '10 seconds' });
export const proceedSignal = defineSignal('proceed');

/** One step, a wait across the server's restart, another step: both results come from the history. */
export async function restartSurvivorWorkflow(): Promise<string[]> {
  let proceed = false;
  setHandler(proceedSignal, () => void (proceed = true));
  const before = await steps.step('before restart');
  await condition(() => proceed);
  return [before, await steps.step('after restart')];
}
