// The one way chart tests render: the real helm binary (3.18 or 4.1) on the umbrella chart, output parsed
// into objects. Renders are cheap processes; tests start them together (Promise.all) to stay fast on 2 cores.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { parseAllDocuments } from 'yaml';
import { defaultChartPath } from '../../src/util/paths.js';
import { type HelmMajor, helmBinary } from '../support/tools.js';

export const chartPath = defaultChartPath();
export const fixturePath = (...parts: string[]): string =>
  join(chartPath, '..', '..', 'test', 'fixtures', 'chart', ...parts);

/** Capabilities that make the chart render the Prometheus Operator and ECK resources. */
export const operatorApiVersions = [
  'monitoring.coreos.com/v1/ServiceMonitor',
  'monitoring.coreos.com/v1/PrometheusRule',
  'elasticsearch.k8s.elastic.co/v1/Elasticsearch',
];

export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  // biome-ignore lint/suspicious/noExplicitAny: rendered manifests are checked field by field in the tests
  spec?: any;
  // biome-ignore lint/suspicious/noExplicitAny: as above
  data?: any;
}

export interface RenderRequest {
  major: HelmMajor;
  release?: string;
  namespace?: string;
  chart?: string;
  /** Values files, e.g. fixturePath('values', 'waf-off.yaml'). */
  valueFiles?: string[];
  /** Values as data (written to a file, applied after valueFiles). */
  values?: Record<string, unknown>;
  apiVersions?: string[];
}

/** `helm template`; a failing render throws with helm's stderr in the message. */
export async function renderChart(req: RenderRequest): Promise<K8sObject[]> {
  return parseManifest(await templateText(req));
}

export async function templateText(req: RenderRequest): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'chart-render-'));
  try {
    const files = [...(req.valueFiles ?? [])];
    if (req.values) {
      const file = join(dir, 'values.json');
      await writeFile(file, JSON.stringify(req.values));
      files.push(file);
    }
    const args = [
      'template',
      req.release ?? 'ms',
      req.chart ?? chartPath,
      '--namespace',
      req.namespace ?? 'memory-system',
      ...files.flatMap((f) => ['--values', f]),
      ...(req.apiVersions ?? []).flatMap((v) => ['--api-versions', v]),
    ];
    const r = await execa(helmBinary(req.major), args, { reject: false });
    if (r.exitCode !== 0) throw new Error(`helm ${req.major} template failed:\n${r.stderr}`);
    return r.stdout;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export function parseManifest(text: string): K8sObject[] {
  return parseAllDocuments(text)
    .map((d) => {
      if (d.errors.length > 0) throw new Error(`rendered YAML is invalid: ${d.errors[0]?.message}`);
      return d.toJS() as K8sObject | null;
    })
    .filter((o): o is K8sObject => o !== null);
}

export const ofKind = (objects: K8sObject[], kind: string): K8sObject[] =>
  objects.filter((o) => o.kind === kind);

export function find(objects: K8sObject[], kind: string, name: string): K8sObject {
  const found = objects.find((o) => o.kind === kind && o.metadata.name === name);
  if (!found) {
    const names = ofKind(objects, kind).map((o) => o.metadata.name);
    throw new Error(`no ${kind} ${name} rendered (have: ${names.join(', ') || 'none'})`);
  }
  return found;
}

/** Pod templates of every workload (Deployment, StatefulSet, Job) with the workload they belong to. */
// biome-ignore lint/suspicious/noExplicitAny: a PodTemplateSpec
export function podTemplates(objects: K8sObject[]): { owner: K8sObject; template: any }[] {
  return objects
    .filter((o) => ['Deployment', 'StatefulSet', 'Job'].includes(o.kind))
    .map((owner) => ({ owner, template: owner.spec.template }));
}
