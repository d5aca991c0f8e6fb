import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, expect, it } from 'vitest';

// deploy/prometheus checked by Prometheus's own promtool: the scrape config (with the rule files it loads), the
// rules, and the alert cases in deploy/prometheus/tests. The installer builds promtool on first use (a few minutes
// on a cold Go cache, then cached under ~/.cache/oneshot); a failed install fails the test, it is never skipped.

const root = fileURLToPath(new URL('../../../', import.meta.url));
const prometheusDir = `${root}deploy/prometheus`;
let promtool: string;

function run(...args: string[]): string {
  return execFileSync(promtool, args, { cwd: prometheusDir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

beforeAll(() => {
  promtool = execFileSync('bash', [`${root}scripts/install/promtool.sh`], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim();
}, 30 * 60_000);

it('the scrape config and the rule files it loads are valid', () => {
  const out = run('check', 'config', 'prometheus.yml');
  for (const file of readdirSync(`${prometheusDir}/rules`)) expect(out).toContain(`rules/${file}`);
  expect(out).toMatch(/SUCCESS: \d+ rules found/);
});

it('the alert rules are valid and lint-clean', () => {
  const out = run('check', 'rules', '--lint=all', '--lint-fatal', ...readdirSync(`${prometheusDir}/rules`).map((file) => `rules/${file}`));
  expect(out).toMatch(/SUCCESS: \d+ rules found/);
});

it('the alerts fire on the cases in deploy/prometheus/tests, and only there', () => {
  const tests = readdirSync(`${prometheusDir}/tests`).map((file) => `tests/${file}`);
  expect(tests.length).toBeGreaterThan(0);
  expect(run('test', 'rules', ...tests)).toContain('SUCCESS');
});

it("the dashboard's queries are valid PromQL", () => {
  // Each query as a recording rule, so that promtool parses it; Grafana's $__rate_interval becomes a fixed range.
  const dashboard = JSON.parse(readFileSync(`${root}deploy/grafana/dashboards/oneshot.json`, 'utf8')) as { panels: { targets?: { expr: string }[] }[] };
  const exprs = dashboard.panels.flatMap((panel) => panel.targets ?? []).map((target) => target.expr.replaceAll('$__rate_interval', '5m'));
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'oneshot-dashboard-')), 'queries.yml');
  const rules = exprs.map((expr, i) => `      - record: dashboard:query_${i}\n        expr: ${JSON.stringify(expr)}`).join('\n');
  writeFileSync(file, `groups:\n  - name: dashboard\n    rules:\n${rules}\n`);
  expect(run('check', 'rules', file)).toContain(`SUCCESS: ${exprs.length} rules found`);
});
