// The REST surface of the simulated API server over HTTP: Kubernetes-style errors for bad requests,
// patches, resourceVersion/generation rules, watches with the initial-events bookmark, protobuf bodies.
import protobuf from 'protobufjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Sandbox, startSandbox } from '../../src/sandbox/index.js';

// biome-ignore lint/suspicious/noExplicitAny: response bodies are arbitrary JSON, checked by the assertions
type Body = any;

let sandbox: Sandbox;

beforeAll(async () => {
  sandbox = await startSandbox();
});
afterAll(async () => {
  await sandbox?.stop();
});

const call = async (method: string, path: string, body?: unknown, contentType = 'application/json') => {
  const res = await fetch(`${sandbox.url}${path}`, {
    method,
    headers: { 'Content-Type': contentType },
    body:
      body === undefined
        ? undefined
        : typeof body === 'string' || body instanceof Uint8Array
          ? body
          : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Body };
};

const configMap = (name: string, data: Record<string, string> = { a: '1' }) => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name },
  data,
});

const deployment = (name: string, image = 'x:v1') => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name },
  spec: {
    selector: { matchLabels: { app: name } },
    template: {
      metadata: { labels: { app: name } },
      spec: { containers: [{ name: 'main', image, env: [{ name: 'A', value: '1' }] }] },
    },
  },
});

describe('errors are Kubernetes Status objects', () => {
  it('404 for an unknown kind', async () => {
    const res = await call('GET', '/apis/apps/v1/namespaces/default/widgets');
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({ kind: 'Status', status: 'Failure', reason: 'NotFound', code: 404 });
    expect(res.body.message).toContain('/apis/apps/v1/namespaces/default/widgets');
  });

  it('404 naming the missing object', async () => {
    const res = await call('GET', '/api/v1/namespaces/default/configmaps/nope');
    expect(res.body).toMatchObject({
      reason: 'NotFound',
      message: 'configmaps "nope" not found',
      details: { name: 'nope' },
    });
  });

  it('409 AlreadyExists on a second create, 409 Conflict on a stale resourceVersion', async () => {
    expect((await call('POST', '/api/v1/namespaces/default/configmaps', configMap('dup'))).status).toBe(201);
    const again = await call('POST', '/api/v1/namespaces/default/configmaps', configMap('dup'));
    expect(again.body).toMatchObject({
      code: 409,
      reason: 'AlreadyExists',
      message: 'configmaps "dup" already exists',
    });
    const stale = { ...configMap('dup', { a: '2' }), metadata: { name: 'dup', resourceVersion: '1' } };
    const conflict = await call('PUT', '/api/v1/namespaces/default/configmaps/dup', stale);
    expect(conflict.body).toMatchObject({ code: 409, reason: 'Conflict' });
    expect(conflict.body.message).toContain('the object has been modified');
  });

  it('422 Invalid with the field when a Deployment selector does not match its template', async () => {
    const bad = deployment('bad');
    bad.spec.template.metadata.labels = { app: 'other' };
    const res = await call('POST', '/apis/apps/v1/namespaces/default/deployments', bad);
    expect(res.body).toMatchObject({ code: 422, reason: 'Invalid' });
    expect(res.body.message).toContain('spec.template.metadata.labels');
    expect(res.body.details.causes[0].field).toBe('spec.template.metadata.labels');
  });

  it('400 for a body that is not JSON, 422 for a JSON patch on a missing path, 415 for an unknown patch type', async () => {
    await call('POST', '/api/v1/namespaces/default/configmaps', configMap('patched'));
    const path = '/api/v1/namespaces/default/configmaps/patched';
    const notJson = await call('PATCH', path, '{"data":', 'application/merge-patch+json');
    expect(notJson.body).toMatchObject({ code: 400, reason: 'BadRequest' });
    const missing = await call(
      'PATCH',
      path,
      [{ op: 'replace', path: '/data/zz/y', value: 1 }],
      'application/json-patch+json',
    );
    expect(missing.body).toMatchObject({ code: 422, reason: 'Invalid' });
    expect(missing.body.message).toContain('/data/zz/y');
    const unknown = await call('PATCH', path, {}, 'text/plain');
    expect(unknown.body).toMatchObject({ code: 415, reason: 'UnsupportedMediaType' });
  });

  it('404 when the namespace does not exist', async () => {
    const res = await call('POST', '/api/v1/namespaces/ghost/configmaps', configMap('x'));
    expect(res.body).toMatchObject({ code: 404, message: 'namespaces "ghost" not found' });
  });
});

describe('patches and generation', () => {
  const path = '/apis/apps/v1/namespaces/default/deployments/web';

  it('applies defaults, and bumps generation only when the spec changes', async () => {
    const created = await call('POST', '/apis/apps/v1/namespaces/default/deployments', deployment('web'));
    expect(created.body.metadata.generation).toBe(1);
    expect(created.body.spec).toMatchObject({
      replicas: 1,
      progressDeadlineSeconds: 600,
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } },
    });
    expect(created.body.spec.template.spec.containers[0]).toMatchObject({ imagePullPolicy: 'IfNotPresent' });
    const labelled = await call(
      'PATCH',
      path,
      { metadata: { labels: { x: 'y' } } },
      'application/merge-patch+json',
    );
    expect(labelled.body.metadata.generation).toBe(1);
  });

  it('merges a strategic patch by container name, honouring $setElementOrder and $patch: delete', async () => {
    const patch = {
      spec: {
        template: {
          spec: {
            '$setElementOrder/containers': [{ name: 'side' }, { name: 'main' }],
            containers: [
              { name: 'main', image: 'x:v2', env: [{ name: 'A', $patch: 'delete' }] },
              { name: 'side', image: 'side:v1' },
            ],
          },
        },
      },
    };
    const res = await call('PATCH', path, patch, 'application/strategic-merge-patch+json');
    expect(res.status).toBe(200);
    const containers = res.body.spec.template.spec.containers;
    expect(containers.map((c: { name: string; image: string }) => `${c.name}=${c.image}`)).toEqual([
      'side=side:v1',
      'main=x:v2',
    ]);
    expect(containers[1].env).toEqual([]);
    expect(res.body.metadata.generation).toBe(2);
  });

  it('server-side apply creates (201), then removes what the manager stopped applying', async () => {
    const apply = (body: unknown) =>
      call(
        'PATCH',
        '/api/v1/namespaces/default/configmaps/applied?fieldManager=helm&fieldValidation=Strict',
        body,
        'application/apply-patch+yaml',
      );
    const first = await apply(configMap('applied', { a: '1', b: '2' }));
    expect(first.status).toBe(201);
    const second = await apply(configMap('applied', { a: '1' }));
    expect(second.status).toBe(200);
    expect(second.body.data).toEqual({ a: '1' });
    const noManager = await call(
      'PATCH',
      '/api/v1/namespaces/default/configmaps/applied',
      configMap('applied'),
      'application/apply-patch+yaml',
    );
    expect(noManager.body).toMatchObject({ code: 422 });
    expect(noManager.body.message).toContain('fieldManager');
  });

  it('decodes protobuf bodies (k8s\\0 + runtime.Unknown) for Secrets and answers JSON', async () => {
    const root = protobuf.parse(`syntax = "proto2";
      message TypeMeta { optional string apiVersion = 1; optional string kind = 2; }
      message Unknown { optional TypeMeta typeMeta = 1; optional bytes raw = 2; }
      message ObjectMeta { optional string name = 1; map<string, string> labels = 11; }
      message Secret { optional ObjectMeta metadata = 1; map<string, bytes> data = 2; optional string type = 3; }`).root;
    const Secret = root.lookupType('Secret');
    const Unknown = root.lookupType('Unknown');
    const raw = Secret.encode(
      Secret.create({
        metadata: { name: 'sh.helm.release.v1.x.v1', labels: { owner: 'helm', name: 'x' } },
        data: { release: Buffer.from('payload') },
        type: 'helm.sh/release.v1',
      }),
    ).finish();
    const framed = Buffer.concat([
      Buffer.from('k8s\0', 'binary'),
      Unknown.encode(Unknown.create({ typeMeta: { apiVersion: 'v1', kind: 'Secret' }, raw })).finish(),
    ]);
    const res = await call(
      'POST',
      '/api/v1/namespaces/default/secrets',
      framed,
      'application/vnd.kubernetes.protobuf',
    );
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      kind: 'Secret',
      type: 'helm.sh/release.v1',
      data: { release: Buffer.from('payload').toString('base64') },
    });
    const listed = await call(
      'GET',
      '/api/v1/namespaces/default/secrets?labelSelector=owner%3Dhelm,name%3Dx',
    );
    expect(listed.body.items.map((s: { metadata: { name: string } }) => s.metadata.name)).toEqual([
      'sh.helm.release.v1.x.v1',
    ]);
    const garbage = await call(
      'POST',
      '/api/v1/namespaces/default/secrets',
      Buffer.from('nope'),
      'application/vnd.kubernetes.protobuf',
    );
    expect(garbage.body).toMatchObject({ code: 400, reason: 'BadRequest' });
  });
});

describe('watch', () => {
  it('sends initial events, the initial-events-end bookmark, then changes', async () => {
    await call('POST', '/api/v1/namespaces/default/configmaps', configMap('watched'));
    const controller = new AbortController();
    const res = await fetch(
      `${sandbox.url}/api/v1/namespaces/default/configmaps?watch=true&sendInitialEvents=true&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true&fieldSelector=metadata.name%3Dwatched`,
      { signal: controller.signal },
    );
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    const events: {
      type: string;
      object: { metadata: { annotations?: Record<string, string>; name?: string } };
    }[] = [];
    let buffer = '';
    const next = async () => {
      while (!buffer.includes('\n')) buffer += new TextDecoder().decode((await reader.read()).value);
      const line = buffer.slice(0, buffer.indexOf('\n'));
      buffer = buffer.slice(buffer.indexOf('\n') + 1);
      events.push(JSON.parse(line));
    };
    await next();
    await next();
    await call(
      'PATCH',
      '/api/v1/namespaces/default/configmaps/watched',
      { data: { a: '2' } },
      'application/merge-patch+json',
    );
    await next();
    controller.abort();
    expect(events.map((e) => e.type)).toEqual(['ADDED', 'BOOKMARK', 'MODIFIED']);
    expect(events[1]?.object.metadata.annotations).toEqual({ 'k8s.io/initial-events-end': 'true' });
  });
});

describe('discovery', () => {
  it('serves version, legacy discovery and an OpenAPI v3 stub that lists fieldValidation', async () => {
    expect((await call('GET', '/version')).body.gitVersion).toContain('sandbox');
    const apps = await call('GET', '/apis/apps/v1');
    expect(apps.body.resources.map((r: { name: string }) => r.name)).toContain('deployments/scale');
    const index = await call('GET', '/openapi/v3');
    const url = index.body.paths['apis/apps/v1'].serverRelativeURL;
    const doc = await call('GET', url);
    const patch = doc.body.paths['/apis/apps/v1/namespaces/{namespace}/deployments/{name}'].patch;
    expect(patch.parameters.map((p: { name: string }) => p.name)).toContain('fieldValidation');
    expect((await call('GET', '/apis/monitoring.coreos.com/v1')).status).toBe(404);
  });
});
