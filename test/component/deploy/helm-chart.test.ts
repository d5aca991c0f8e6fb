import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { envSchema, inferenceProcessSchema, loadConfig, orchestratorProcessSchema } from '../../../domain/config/index.js';
import { LONGEST_JOB_STEP_MS } from '../../../domain/jobs/contract.js';

// deploy/helm/oneshot checked by real tools, offline: `helm lint --strict` and `helm template` (Helm built from its Go
// module, scripts/install/helm.sh), then every rendered object against the Kubernetes API's schemas and KEDA's
// types with unknown fields rejected (kube_validate.py; scripts/install/kube-validate.sh). Installers build or fetch
// on first use (minutes), then are cached under ~/.cache/oneshot; a failed install fails the tests, never skips them.

const root = fileURLToPath(new URL('../../../', import.meta.url));
const chart = `${root}deploy/helm/oneshot`;
// the oldest Kubernetes the chart declares (Chart.yaml kubeVersion) and the newest the schemas know
const KUBERNETES_VERSIONS = ['1.30.0', '1.37.0'];
// value sets that take every branch of the templates
const VARIANTS: Record<string, string[]> = {
  defaults: [],
  'CPU inference, fixed replicas, no HPA, models from a volume': [
    '--set', 'inference.gpu.enabled=false',
    '--set', 'inference.keda.enabled=false',
    '--set', 'api.autoscaling.enabled=false',
    '--set', 'inference.models.existingClaim=oneshot-models',
    '--set', 'migrations.enabled=false',
    '--set', 'imagePullSecrets[0].name=registry',
  ],
};

interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; labels?: Record<string, string> };
  spec?: Record<string, unknown>;
}
interface Container {
  name: string;
  env?: { name: string; value?: string }[];
  readinessProbe?: { httpGet?: { path: string } };
  resources?: { requests?: Record<string, unknown>; limits?: Record<string, unknown> };
}
interface PodTemplate {
  metadata: { labels: Record<string, string> };
  spec: {
    containers: Container[];
    initContainers?: Container[];
    terminationGracePeriodSeconds?: number;
    nodeSelector?: Record<string, string>;
    tolerations?: { key: string }[];
  };
}

// what the Secret supplies, for reading a pod's configuration as its process would
const REQUIRED_ENV = { DATABASE_URL: 'postgres://app:secret@db:5432/oneshot', S3_BUCKET: 'oneshot', S3_KEY: 'key', S3_SECRET: 'secret' };

let helm: string;
let python: string;

function install(script: string): string {
  return execFileSync('bash', [`${root}scripts/install/${script}`], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim();
}

function template(args: string[]): string {
  // a `go install`ed Helm knows no cluster version of its own (its release build stamps one): name the oldest supported
  return execFileSync(helm, ['template', 'oneshot', chart, '--kube-version', KUBERNETES_VERSIONS[0]!, ...args], { encoding: 'utf8' });
}

function objects(rendered: string): K8sObject[] {
  return parseAllDocuments(rendered)
    .map((doc) => doc.toJS() as K8sObject | null)
    .filter((object): object is K8sObject => object !== null);
}

function validate(rendered: string): { status: number | null; output: string } {
  const result = spawnSync(python, [`${root}test/component/deploy/kube_validate.py`, ...KUBERNETES_VERSIONS], { input: rendered, encoding: 'utf8' });
  return { status: result.status, output: result.stdout + result.stderr };
}

function find(list: K8sObject[], kind: string, nameSuffix: string): K8sObject {
  const found = list.find((object) => object.kind === kind && object.metadata.name.endsWith(nameSuffix));
  if (!found) throw new Error(`no ${kind} *${nameSuffix} rendered`);
  return found;
}

function podTemplate(deployment: K8sObject): PodTemplate {
  return (deployment.spec as { template: PodTemplate }).template;
}

function envOf(container: Container): Record<string, string | undefined> {
  return Object.fromEntries((container.env ?? []).map((variable) => [variable.name, variable.value]));
}

beforeAll(() => {
  helm = install('helm.sh');
  python = install('kube-validate.sh');
}, 30 * 60_000);

describe.each(Object.entries(VARIANTS))('the chart with %s', (_name, args) => {
  it('passes helm lint --strict', () => {
    expect(execFileSync(helm, ['lint', '--strict', chart, ...args], { encoding: 'utf8' })).toContain('0 chart(s) failed');
  });

  it('renders only objects valid against the Kubernetes and KEDA schemas, unknown fields refused', () => {
    const rendered = template(args);
    const { status, output } = validate(rendered);
    expect(output).toMatch(/\d+ objects, 0 invalid/);
    expect(status).toBe(0);
  });
});

describe('the strict schema check', () => {
  it('fails on an unknown field in a built-in object', () => {
    const rendered = template([]).replace('readinessProbe:\n', 'readinessProbe:\n            initialDelay: 5\n');
    expect(rendered).toContain('initialDelay: 5');
    const { status, output } = validate(rendered);
    expect(status).toBe(1);
    expect(output).toMatch(/INVALID Deployment\/oneshot-api: .*'initialDelay' was unexpected/);
  });

  it("fails on an unknown field in KEDA's ScaledObject", () => {
    const rendered = template([]).replace('  minReplicaCount:', '  minReplicas: 0\n  minReplicaCount:');
    const { status, output } = validate(rendered);
    expect(status).toBe(1);
    expect(output).toMatch(/INVALID ScaledObject\/oneshot-inference: spec\.minReplicas/);
  });

  it('fails on a wrong type', () => {
    const rendered = template([]).replace(/terminationGracePeriodSeconds: \d+/, 'terminationGracePeriodSeconds: "half a minute"');
    expect(rendered).toContain('half a minute');
    const { status, output } = validate(rendered);
    expect(status).toBe(1);
    expect(output).toMatch(/INVALID Deployment\/oneshot-\w+: .*terminationGracePeriodSeconds/);
  });
});

describe('what the chart deploys', () => {
  let rendered: K8sObject[];
  beforeAll(() => {
    rendered = objects(template([]));
  });

  it('gives the API a readiness probe on /readyz, an HPA on its Deployment and a PodDisruptionBudget that selects its pods', () => {
    const api = find(rendered, 'Deployment', '-api');
    const pod = podTemplate(api);
    expect(pod.spec.containers[0]!.readinessProbe?.httpGet?.path).toBe('/readyz');
    const hpa = find(rendered, 'HorizontalPodAutoscaler', '-api');
    expect((hpa.spec as { scaleTargetRef: { kind: string; name: string } }).scaleTargetRef).toMatchObject({ kind: 'Deployment', name: api.metadata.name });
    const pdb = find(rendered, 'PodDisruptionBudget', '-api');
    expect(pod.metadata.labels).toMatchObject((pdb.spec as { selector: { matchLabels: Record<string, string> } }).selector.matchLabels);
    // the HPA owns the replica count
    expect(api.spec).not.toHaveProperty('replicas');
  });

  it('puts inference on GPU nodes with a device each and drains it before the kill', () => {
    const pod = podTemplate(find(rendered, 'Deployment', '-inference'));
    const container = pod.spec.containers[0]!;
    expect(container.resources?.requests?.['nvidia.com/gpu']).toBe(1);
    expect(container.resources?.limits?.['nvidia.com/gpu']).toBe(1);
    expect(envOf(container).ONNX_EXECUTION_PROVIDER).toBe('cuda');
    expect(pod.spec.nodeSelector).toBeDefined();
    expect(pod.spec.tolerations?.map((toleration) => toleration.key)).toContain('nvidia.com/gpu');
    // the kill comes only after the worker's own drain window, which outlasts the longest job step
    const drainMs = loadConfig(inferenceProcessSchema, { ...REQUIRED_ENV, ...envOf(container) }).WORKER_SHUTDOWN_GRACE;
    expect(drainMs).toBeGreaterThanOrEqual(LONGEST_JOB_STEP_MS);
    expect(pod.spec.terminationGracePeriodSeconds! * 1000).toBeGreaterThan(drainMs);
  });

  it('lets the orchestrator drain before the kill', () => {
    const pod = podTemplate(find(rendered, 'Deployment', '-orchestrator'));
    const drainMs = loadConfig(orchestratorProcessSchema, { ...REQUIRED_ENV, ...envOf(pod.spec.containers[0]!) }).WORKER_SHUTDOWN_GRACE;
    expect(pod.spec.terminationGracePeriodSeconds! * 1000).toBeGreaterThan(drainMs);
  });

  it("scales the inference workers on the inference task queue's backlog with KEDA's Temporal scaler, down to zero", () => {
    const scaled = find(rendered, 'ScaledObject', '-inference');
    const spec = scaled.spec as { scaleTargetRef: { name: string }; minReplicaCount: number; triggers: { type: string; metadata: Record<string, string> }[] };
    expect(spec.scaleTargetRef.name).toBe(find(rendered, 'Deployment', '-inference').metadata.name);
    expect(spec.minReplicaCount).toBe(0);
    const configMap = find(rendered, 'ConfigMap', 'oneshot') as unknown as { data: Record<string, string> };
    expect(spec.triggers).toEqual([
      {
        type: 'temporal',
        metadata: expect.objectContaining({
          endpoint: configMap.data.TEMPORAL_ADDRESS,
          namespace: configMap.data.TEMPORAL_NAMESPACE,
          taskQueue: configMap.data.TEMPORAL_TASK_QUEUE_INFERENCE,
          queueTypes: 'activity',
        }) as unknown,
      },
    ]);
  });

  it('sets only variables the processes declare (domain/config)', () => {
    const declared = new Set([...Object.keys(envSchema.shape), 'NODE_OPTIONS']);
    const configMap = find(rendered, 'ConfigMap', 'oneshot') as unknown as { data: Record<string, string> };
    const names = [
      ...Object.keys(configMap.data),
      ...rendered
        .filter((object) => object.kind === 'Deployment')
        .flatMap((deployment) => podTemplate(deployment).spec.containers.flatMap((container) => Object.keys(envOf(container)))),
    ];
    expect(names.filter((name) => !declared.has(name))).toEqual([]);
  });
});

it("builds the Temporal server and Web UI that temporal-compose.yml runs (scripts/install/temporal-server.sh)", () => {
  const installer = readFileSync(`${root}scripts/install/temporal-server.sh`, 'utf8');
  const compose = readFileSync(`${root}temporal-compose.yml`, 'utf8');
  const pinned = (name: string) => new RegExp(`^${name}_VERSION=v(\\S+)`, 'm').exec(installer)?.[1];
  const images = (image: string) => [...compose.matchAll(new RegExp(`image: ${image}:(\\S+)`, 'g'))].map((match) => match[1]);
  expect(images('temporalio/server')).toEqual([pinned('SERVER')]);
  expect(new Set(images('temporalio/admin-tools'))).toEqual(new Set([pinned('SERVER')]));
  expect(images('temporalio/ui')).toEqual([pinned('UI')]);
});
