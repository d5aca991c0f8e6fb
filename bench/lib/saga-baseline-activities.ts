/** The saga's four steps as no-ops: what is left is Temporal's own cost per workflow. */
export const sagaBaselineActivities = {
  reserve: () => Promise.resolve(),
  infer: () => Promise.resolve(),
  upload: () => Promise.resolve(),
  commit: () => Promise.resolve(),
};
export type SagaBaselineActivities = typeof sagaBaselineActivities;
