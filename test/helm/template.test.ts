import { stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createHelm, HelmChartNotFoundError } from '../../src/helm/index.js';
import { withValuesFile } from '../../src/helm/runner.js';
import { packageRoot } from '../../src/util/paths.js';
import { helmBinary, helmMajors } from '../support/tools.js';

const demo = join(packageRoot(), 'test', 'fixtures', 'helm', 'demo');

describe.each(helmMajors)('helm %i template', (major) => {
  it('renders a release with its values, namespace and template sources, no cluster needed', async () => {
    const helm = await createHelm({ binary: helmBinary(major), kubeconfig: '/nonexistent/kubeconfig' });
    const { manifest, objects } = await helm.template({
      release: 'api',
      chart: demo,
      namespace: 'memory',
      values: { replicas: 3, message: 'it: is "quoted" & on' },
    });
    expect(manifest).toMatch(/^---\n# Source: demo\/templates\//);
    expect(objects.map((o) => [o.kind, o.name, o.source])).toEqual([
      ['ConfigMap', 'api-config', 'demo/templates/configmap.yaml'],
      ['Service', 'api', 'demo/templates/service.yaml'],
      ['Deployment', 'api', 'demo/templates/deployment.yaml'],
      // helm template renders hooks too (here the `helm test` pod).
      ['Pod', 'api-ping', 'demo/templates/tests/ping.yaml'],
    ]);
    const deployment = objects.find((o) => o.kind === 'Deployment')?.object as { spec: { replicas: number } };
    expect(deployment.spec.replicas).toBe(3);
    const config = objects[0]?.object as { data: { message: string } };
    expect(config.data.message).toBe('it: is "quoted" & on');
  });

  it('passes capabilities so charts can gate optional kinds', async () => {
    const helm = await createHelm({ binary: helmBinary(major) });
    const { objects } = await helm.template({
      release: 'api',
      chart: demo,
      apiVersions: ['monitoring.coreos.com/v1'],
      kubeVersion: '1.33.0',
    });
    expect(objects.map((o) => o.kind)).toContain('ServiceMonitor');
  });

  it('says when the chart is missing', async () => {
    const helm = await createHelm({ binary: helmBinary(major) });
    await expect(helm.template({ release: 'api', chart: join(demo, '..', 'nope') })).rejects.toBeInstanceOf(
      HelmChartNotFoundError,
    );
  });
});

describe('values file', () => {
  it('is private to the user while helm runs and gone afterwards', async () => {
    let seen = '';
    await withValuesFile({ password: 'x' }, async (file) => {
      seen = file as string;
      expect((await stat(file as string)).mode & 0o777).toBe(0o600);
      expect((await stat(dirname(file as string))).mode & 0o777).toBe(0o700);
    });
    await expect(stat(dirname(seen))).rejects.toThrow(/ENOENT/);
  });

  it('is removed when helm fails too', async () => {
    let seen = '';
    await expect(
      withValuesFile({}, async (file) => {
        seen = file as string;
        throw new Error('helm failed');
      }),
    ).rejects.toThrow('helm failed');
    await expect(stat(seen)).rejects.toThrow(/ENOENT/);
  });

  it('is not written when there are no values', async () => {
    await withValuesFile(undefined, async (file) => expect(file).toBeUndefined());
  });
});
