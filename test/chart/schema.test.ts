// Every object rendered for the example config and a matrix of value files, with and without the operators'
// CRDs, validates against the Kubernetes 1.30 schemas (CRDs against their own), with both helm majors.
import { describe, expect, test } from 'vitest';
import { helmMajors } from '../support/tools.js';
import { validateAll, validateObject } from './kube-schema.js';
import { fixturePath, type K8sObject, operatorApiVersions, renderChart } from './render.js';

const valueFiles = ['defaults', 'autoscaling-off', 'stores-external', 'waf-off', 'production'];
const cases = helmMajors.flatMap((major) =>
  valueFiles.flatMap((file) =>
    [false, true].map((crds) => ({
      major,
      file,
      crds,
      name: `helm ${major}, ${file}, CRDs ${crds ? 'present' : 'absent'}`,
    })),
  ),
);

describe('rendered objects validate', () => {
  const rendered = Promise.all(
    cases.map((c) =>
      renderChart({
        major: c.major,
        valueFiles: c.file === 'defaults' ? [] : [fixturePath('values', `${c.file}.yaml`)],
        apiVersions: c.crds ? operatorApiVersions : [],
      }),
    ),
  );

  test.each(cases.map((c, i) => [c.name, i] as const))('%s', async (_name, i) => {
    const objects = (await rendered)[i] as K8sObject[];
    expect(objects.length).toBeGreaterThan(20);
    expect(await validateAll(objects)).toEqual([]);
  });

  test('CRD objects appear only when their CRDs exist', async () => {
    const all = await rendered;
    for (const [i, c] of cases.entries()) {
      const kinds = new Set((all[i] as K8sObject[]).map((o) => o.kind));
      expect(kinds.has('ServiceMonitor'), c.name).toBe(c.crds);
      expect(kinds.has('PrometheusRule'), c.name).toBe(c.crds);
      // A managed Elasticsearch (stores-external) replaces the ECK resource.
      expect(kinds.has('Elasticsearch'), c.name).toBe(c.crds && c.file !== 'stores-external');
    }
  });
});

describe('the validator catches what kubernetes-models lets through', () => {
  const deployment = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'x' },
    spec: {
      selector: { matchLabels: { a: 'b' } },
      template: { metadata: { labels: { a: 'b' } }, spec: { containers: [{ name: 'x', image: 'x' }] } },
    },
  };

  test('a valid Deployment passes', async () => {
    expect(await validateObject(deployment as K8sObject)).toEqual([]);
  });

  test('unknown fields and nulls are reported with their path', async () => {
    const broken = structuredClone(deployment) as K8sObject;
    broken.spec.replica = 3;
    broken.spec.template.spec.containers[0].imagePullPolcy = 'Always';
    broken.spec.template.spec.containers[0].env = null;
    expect((await validateObject(broken)).sort()).toEqual([
      'Deployment/x.spec.replica: unknown field of V1DeploymentSpec',
      'Deployment/x.spec.template.spec.containers[0].env: null',
      'Deployment/x.spec.template.spec.containers[0].imagePullPolcy: unknown field of V1Container',
    ]);
  });

  test('a wrong type is reported', async () => {
    const broken = structuredClone(deployment) as K8sObject;
    broken.spec.replicas = 'three';
    expect((await validateObject(broken)).join('\n')).toMatch(/replicas/);
  });

  test('a CRD object with an unknown field is reported', async () => {
    const monitor = {
      apiVersion: 'monitoring.coreos.com/v1',
      kind: 'ServiceMonitor',
      metadata: { name: 'api' },
      spec: { selector: {}, endpoints: [{ port: 'http', intervall: '15s' }] },
    };
    expect((await validateObject(monitor as K8sObject)).join('\n')).toMatch(/endpoints\/0.*additional/);
  });
});
