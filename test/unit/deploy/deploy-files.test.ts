import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

// The deployment files that no tool here can run (Docker does not run on these machines): temporal-compose.yml
// parsed as YAML and checked for what its profiles promise, the Dockerfile's stages, the Node version everywhere,
// and the metric names that the alert rules and the dashboard query. promtool checks the rules themselves
// (test/component/deploy/promtool.test.ts).

const root = fileURLToPath(new URL('../../../', import.meta.url));
const read = (file: string) => readFileSync(`${root}${file}`, 'utf8');

// The names the processes really export: every 'oneshot_…' name the metrics modules define (plus the counters
// workflows add through the SDK's meter), and the Temporal SDK's worker metrics that deploy/ uses.
const definedByCode = [
  ...readdirSync(`${root}integrations/metrics`).map((file) => `integrations/metrics/${file}`),
  'workflows/acknowledge-purchase.workflow.ts',
  'workflows/activity-options.ts',
]
  .flatMap((file) => [...read(file).matchAll(/'(oneshot_[a-z_]+)'/g)].map(([, name]) => name!));
const knownMetrics = new Set([
  ...definedByCode,
  'temporal_num_pollers', 'temporal_worker_task_slots_available', 'temporal_activity_schedule_to_start_latency',
  'temporal_activity_execution_latency', 'temporal_activity_execution_failed', 'temporal_workflow_task_execution_failed',
  'temporal_request_failure',
]);

/** Metric names in a PromQL expression, histogram suffixes removed. */
function metricNames(expr: string): string[] {
  return [...expr.matchAll(/\b(?:oneshot|temporal)_[a-z_]+/g)].map(([name]) => name.replace(/_(bucket|sum|count)$/, ''));
}

type Service = {
  image?: string;
  profiles?: string[];
  build?: { target?: string };
  environment?: Record<string, string>;
  volumes?: string[];
  deploy?: { resources?: { reservations?: { devices?: unknown[] } } };
  networks?: { oneshot?: { aliases?: string[] } } | string[];
};
const compose = parse(read('temporal-compose.yml'), { merge: true }) as { services: Record<string, Service> };
function service(name: string): Service {
  const found = compose.services[name];
  if (!found) throw new Error(`temporal-compose.yml has no service ${name}`);
  return found;
}

describe('temporal-compose.yml', () => {
  it('pins every image to a version', () => {
    for (const [name, service] of Object.entries(compose.services)) {
      if (!service.image) continue;
      expect(service.image, name).toMatch(/:[^:]*\d[^:]*$/);
      expect(service.image, name).not.toMatch(/:latest$/);
    }
  });

  it('the observability profile runs Prometheus and Grafana on the files in deploy/', () => {
    expect(service('prometheus').profiles).toEqual(['observability']);
    expect(service('grafana').profiles).toEqual(['observability']);
    const mounts = [...service('prometheus').volumes!, ...service('grafana').volumes!].filter((volume) => volume.startsWith('./'));
    expect(mounts.length).toBeGreaterThan(0);
    for (const mount of mounts) expect(existsSync(`${root}${mount.split(':')[0]}`), mount).toBe(true);
  });

  it('the gpu profile runs worker-inference from the gpu image with CUDA and a reserved device', () => {
    const gpu = service('worker-inference-gpu');
    expect(gpu.profiles).toEqual(['gpu']);
    expect(gpu.build?.target).toBe('gpu');
    expect(gpu.environment?.ONNX_EXECUTION_PROVIDER).toBe('cuda');
    expect(gpu.deploy?.resources?.reservations?.devices).toEqual([{ driver: 'nvidia', count: 1, capabilities: ['gpu'] }]);
    expect((gpu.networks as { oneshot: { aliases: string[] } }).oneshot.aliases).toContain('worker-inference');
    expect(service('worker-inference').environment?.ONNX_EXECUTION_PROVIDER).toBe('cpu');
    expect(service('worker-inference').profiles).toBeUndefined();
  });

  it('every OneShot process serves metrics on the compose network and builds an existing Dockerfile target', () => {
    const stages = [...read('Dockerfile').matchAll(/^FROM\s+\S+\s+AS\s+(\S+)/gim)].map((match) => match[1]);
    for (const name of ['api', 'worker-orchestrator', 'worker-inference', 'worker-inference-gpu', 'migrate']) {
      expect(service(name).environment?.METRICS_HOST, name).toBe('0.0.0.0');
      expect(stages, name).toContain(service(name).build?.target);
    }
  });
});

describe('Dockerfile', () => {
  const dockerfile = read('Dockerfile');
  const froms = [...dockerfile.matchAll(/^FROM\s+(\S+)(?:\s+AS\s+(\S+))?/gim)].map(([, image, stage]) => ({ image, stage }));

  it('ends with the CPU app stage (the default target) and copies only from earlier stages', () => {
    expect(froms.at(-1)?.stage).toBe('app');
    expect(froms.map((from) => from.stage)).toEqual(['deps-gpu', 'gpu', 'app']);
    for (const [, from] of dockerfile.matchAll(/--from=(\S+)/g)) expect(['deps-gpu']).toContain(from);
  });

  it('builds the gpu stage with the CUDA provider from the pinned installer, its library path and cuda as the execution provider', () => {
    expect(froms[1]?.image).toBe('${NODE_IMAGE}');
    expect(dockerfile).toContain('bash scripts/install/onnxruntime-cuda.sh');
    expect(dockerfile).toMatch(/LD_LIBRARY_PATH=\/opt\/onnxruntime-cuda\/lib/);
    expect(dockerfile).toMatch(/ONNX_EXECUTION_PROVIDER=cuda/);
  });

  it('runs the same Node as the scripts fetch, one that satisfies package.json engines', () => {
    const image = /^ARG NODE_IMAGE=node:(\d+\.\d+\.\d+)-/m.exec(dockerfile)?.[1];
    const pinned = /^NODE_VERSION=(\S+)/m.exec(read('scripts/install/node.sh'))?.[1];
    const engines = (JSON.parse(read('package.json')) as { engines: { node: string } }).engines.node;
    expect(image).toBe(pinned);
    const [min = 0, have = 0] = [/^>=(\d+)\.(\d+)/.exec(engines), /^(\d+)\.(\d+)/.exec(pinned ?? '')].map((m) => (m ? Number(m[1]) * 1000 + Number(m[2]) : NaN));
    expect(have).toBeGreaterThanOrEqual(min);
    expect(Number(pinned?.split('.')[0]) % 2).toBe(0); // an LTS line
  });
});

describe('deploy/ metric names', () => {
  it('the alert rules query only metrics the processes export, and each names its runbook section', () => {
    const operations = read('docs/operations.md');
    const anchors = new Set([...operations.matchAll(/^#+ (.+)$/gm)].map(([, title = '']) => title.toLowerCase().replace(/[^a-z0-9 -]/g, '').replace(/ /g, '-')));
    for (const file of readdirSync(`${root}deploy/prometheus/rules`)) {
      const { groups } = parse(read(`deploy/prometheus/rules/${file}`)) as { groups: { rules: { alert: string; expr: string; labels: { severity: string }; annotations: { runbook: string } }[] }[] };
      for (const rule of groups.flatMap((group) => group.rules)) {
        for (const name of metricNames(rule.expr)) expect(knownMetrics, `${rule.alert}: ${name}`).toContain(name);
        expect(['critical', 'warning', 'info']).toContain(rule.labels.severity);
        expect(anchors, rule.alert).toContain(rule.annotations.runbook.split('#')[1]);
      }
    }
  });

  it('the dashboard queries only metrics the processes export', () => {
    const dashboard = JSON.parse(read('deploy/grafana/dashboards/oneshot.json')) as { uid: string; panels: { id: number; targets?: { expr: string }[] }[] };
    const ids = dashboard.panels.map((panel) => panel.id);
    expect(new Set(ids).size).toBe(ids.length);
    const exprs = dashboard.panels.flatMap((panel) => panel.targets ?? []).map((target) => target.expr);
    expect(exprs.length).toBeGreaterThan(20);
    for (const expr of exprs) for (const name of metricNames(expr)) expect(knownMetrics, `${expr}: ${name}`).toContain(name);
  });
});
