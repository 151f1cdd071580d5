// HTTP routing of the simulated API server: discovery, OpenAPI, the REST verbs on every served kind,
// subresources, watches and Kubernetes `Status` errors.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { parse as parseYaml } from 'yaml';
import { type Api, ApiError, type PatchType, patchTypes, resourceOf } from './api.js';
import { groupList, type Kind, openApiDocument, openApiIndex, resourceList } from './kinds.js';
import type { KubeObject } from './object.js';
import { decodeProtobuf, isProtobuf, ProtobufError } from './protobuf.js';
import { matches, matchesFields, parseFieldSelector, parseLabelSelector } from './selectors.js';
import type { StoreEvent } from './store.js';
import { toTable } from './table.js';

export const serverVersion = {
  major: '1',
  minor: '33',
  gitVersion: 'v1.33.0-sandbox',
  gitCommit: 'release-kit-sandbox',
  gitTreeState: 'clean',
  buildDate: '2025-01-01T00:00:00Z',
  goVersion: 'go1.24',
  compiler: 'gc',
  platform: 'linux/amd64',
};

interface Route {
  kind: Kind;
  namespace?: string;
  name?: string;
  subresource?: string;
}

export interface ServerHooks {
  /** The text of `kubectl logs` for a pod. */
  podLog(namespace: string, name: string): string | undefined;
}

export class ApiRouter {
  /** Open watch streams, ended when the sandbox stops. */
  private readonly watches = new Set<ServerResponse>();

  constructor(
    private readonly api: Api,
    private readonly hooks: ServerHooks,
  ) {}

  closeWatches(): void {
    for (const res of this.watches) res.end();
    this.watches.clear();
  }

  readonly handle = (req: IncomingMessage, res: ServerResponse): void => {
    this.route(req, res).catch((e: unknown) => {
      const error =
        e instanceof ApiError
          ? e
          : new ApiError(500, 'InternalError', `sandbox internal error: ${(e as Error).stack ?? e}`);
      if (!res.headersSent) send(res, error.code, error.toStatus());
      else res.end();
    });
  };

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://sandbox');
    const path = url.pathname.replace(/\/+$/, '') || '/';
    const method = req.method ?? 'GET';
    const kinds = this.api.kinds;
    if (method === 'GET') {
      if (path === '/version') return send(res, 200, serverVersion);
      if (['/healthz', '/readyz', '/livez'].includes(path)) return sendText(res, 200, 'ok');
      if (path === '/api')
        return send(res, 200, {
          kind: 'APIVersions',
          versions: ['v1'],
          serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: req.headers.host ?? '' }],
        });
      if (path === '/apis') return send(res, 200, groupList(kinds));
      if (path === '/api/v1') return send(res, 200, resourceList(kinds, '', 'v1'));
      const gv = /^\/apis\/([^/]+)\/([^/]+)$/.exec(path);
      if (gv) {
        const list = resourceList(kinds, gv[1] ?? '', gv[2] ?? '');
        if (list.resources.length === 0) throw notFoundPath(path);
        return send(res, 200, list);
      }
      if (path === '/openapi/v3')
        return send(res, 200, openApiIndex(kinds, String(this.api.store.resourceVersion)));
      if (path.startsWith('/openapi/v3/')) {
        const doc = openApiDocument(kinds, path.slice('/openapi/v3/'.length));
        if (!doc) throw notFoundPath(path);
        return send(res, 200, doc);
      }
    }
    const route = this.parse(path);
    if (!route) throw notFoundPath(path);
    const query = url.searchParams;
    const { kind, namespace, name, subresource } = route;
    if (subresource && subresource !== 'log' && !kind.subresources?.includes(subresource))
      throw notFoundPath(path);
    const options = {
      subresource,
      fieldManager: query.get('fieldManager') ?? undefined,
      dryRun: query.get('dryRun') === 'All',
    };

    if (method === 'GET' && !name) {
      if (query.get('watch') === 'true' || query.get('watch') === '1')
        return this.watch(req, res, route, query);
      const items = this.api.list(kind, namespace, {
        labelSelector: query.get('labelSelector'),
        fieldSelector: query.get('fieldSelector'),
      });
      const rv = String(this.api.store.resourceVersion);
      if (wantsTable(req)) return send(res, 200, toTable(kind, items, rv, this.api.clock.now()));
      return send(res, 200, {
        kind: `${kind.kind}List`,
        apiVersion: kind.group ? `${kind.group}/${kind.version}` : kind.version,
        metadata: { resourceVersion: rv },
        items,
      });
    }
    if (method === 'GET' && name) {
      if (subresource === 'log') {
        if (kind.kind !== 'Pod') throw notFoundPath(path);
        this.api.get(kind, namespace, name);
        return sendText(res, 200, this.hooks.podLog(namespace ?? '', name) ?? '');
      }
      const obj = this.api.get(kind, namespace, name);
      if (subresource === 'scale') return send(res, 200, this.api.scaleOf(obj));
      if (wantsTable(req))
        return send(res, 200, toTable(kind, [obj], obj.metadata.resourceVersion ?? '', this.api.clock.now()));
      return send(res, 200, obj);
    }
    if (method === 'POST' && !name) {
      const created = this.api.create(kind, namespace, await readBody(req), options);
      return send(res, 201, created);
    }
    if (method === 'PUT' && name)
      return send(res, 200, this.api.replace(kind, namespace, name, await readBody(req), options));
    if (method === 'PATCH' && name) {
      const contentType = (req.headers['content-type'] ?? '').split(';')[0]?.trim() ?? '';
      const type: PatchType | undefined = patchTypes[contentType];
      if (!type)
        throw new ApiError(
          415,
          'UnsupportedMediaType',
          `the body of the request was in an unknown format - accepted media types include: ${Object.keys(patchTypes).join(', ')}`,
        );
      if (type === 'apply' && !options.fieldManager)
        throw new ApiError(
          422,
          'Invalid',
          'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch',
        );
      const result = this.api.patch(kind, namespace, name, type, await readBody(req), options);
      return send(res, result.created ? 201 : 200, result.object);
    }
    if (method === 'DELETE' && name) {
      const body = await readBody(req, true);
      const policy =
        body &&
        typeof body === 'object' &&
        'propagationPolicy' in body &&
        typeof body.propagationPolicy === 'string'
          ? body.propagationPolicy
          : (query.get('propagationPolicy') ?? 'Background');
      return send(res, 200, this.api.delete(kind, namespace, name, policy));
    }
    if (method === 'DELETE' && !name) {
      const items = this.api.list(kind, namespace, { labelSelector: query.get('labelSelector') });
      for (const item of items) this.api.delete(kind, item.metadata.namespace, item.metadata.name);
      return send(res, 200, { kind: `${kind.kind}List`, apiVersion: 'v1', metadata: {}, items });
    }
    throw new ApiError(
      405,
      'MethodNotAllowed',
      `the server does not allow this method on the requested resource (${method} ${path})`,
    );
  }

  /** /api/v1[/namespaces/NS]/PLURAL[/NAME[/SUB]] and /apis/GROUP/VERSION/… */
  private parse(path: string): Route | undefined {
    const m = /^\/(?:api\/(v1)|apis\/([^/]+)\/([^/]+))\/(.+)$/.exec(path);
    if (!m) return undefined;
    const group = m[2] ?? '';
    const version = m[1] ?? m[3] ?? '';
    let segments = (m[4] ?? '').split('/').map(decodeURIComponent);
    let namespace: string | undefined;
    // /api/v1/namespaces/NS/status is the namespace's own subresource, not a kind named "status".
    const namespaceItself =
      group === '' &&
      segments[0] === 'namespaces' &&
      (segments.length <= 2 || ['status', 'finalize'].includes(segments[2] ?? ''));
    if (segments[0] === 'namespaces' && segments.length >= 3 && !namespaceItself) {
      namespace = segments[1];
      segments = segments.slice(2);
    }
    const [plural = '', name, subresource, ...extra] = segments;
    if (extra.length > 0) return undefined;
    const kind = this.api.kinds.byResource(group, version, plural);
    if (!kind) return undefined;
    if (!kind.namespaced && namespace !== undefined) return undefined;
    return { kind, namespace, name, subresource };
  }

  private watch(req: IncomingMessage, res: ServerResponse, route: Route, query: URLSearchParams): void {
    const { kind, namespace } = route;
    const labels = parseLabelSelector(query.get('labelSelector'));
    const fields = parseFieldSelector(query.get('fieldSelector'));
    const resource = resourceOf(kind);
    const store = this.api.store;
    const selected = (obj: KubeObject) =>
      (namespace === undefined || obj.metadata.namespace === namespace) &&
      matches(labels, obj.metadata.labels) &&
      matchesFields(fields, obj);
    res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache' });
    res.flushHeaders();
    this.watches.add(res);
    const write = (type: string, object: unknown) => res.write(`${JSON.stringify({ type, object })}\n`);

    const rv = query.get('resourceVersion') ?? '';
    const initialEvents = query.get('sendInitialEvents') === 'true';
    if (initialEvents || rv === '' || rv === '0') {
      for (const obj of store.list(resource, namespace)) if (selected(obj)) write('ADDED', obj);
    } else {
      const past = store.eventsSince(Number(rv));
      if (!past) {
        write('ERROR', new ApiError(410, 'Expired', `too old resource version: ${rv}`).toStatus());
        res.end();
        this.watches.delete(res);
        return;
      }
      for (const event of past)
        if (event.resource === resource && selected(event.object)) write(event.type, event.object);
    }
    if (initialEvents) {
      write('BOOKMARK', {
        kind: kind.kind,
        apiVersion: kind.group ? `${kind.group}/${kind.version}` : kind.version,
        metadata: {
          resourceVersion: String(store.resourceVersion),
          annotations: { 'k8s.io/initial-events-end': 'true' },
        },
      });
    }
    const unsubscribe = store.subscribe((event: StoreEvent) => {
      if (event.resource === resource && selected(event.object)) write(event.type, event.object);
    });
    const timeout = Number(query.get('timeoutSeconds') ?? 0);
    const timer = timeout > 0 ? setTimeout(() => res.end(), timeout * 1000) : undefined;
    const close = () => {
      unsubscribe();
      if (timer) clearTimeout(timer);
      this.watches.delete(res);
    };
    req.on('close', close);
    res.on('close', close);
  }
}

const wantsTable = (req: IncomingMessage): boolean => (req.headers.accept ?? '').includes('as=Table');

function send(res: ServerResponse, code: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(code, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

function sendText(res: ServerResponse, code: number, text: string): void {
  res.writeHead(code, { 'Content-Type': 'text/plain', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

const notFoundPath = (path: string): ApiError =>
  new ApiError(404, 'NotFound', `the server could not find the requested resource (${path})`, {
    causes: [{ reason: 'UnexpectedServerResponse', message: '404 page not found' }],
  });

/** Reads a JSON, YAML (apply patches) or protobuf body; an empty body is undefined when allowed. */
async function readBody(req: IncomingMessage, optional = false): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const raw = Buffer.concat(chunks);
  if (raw.length === 0) {
    if (optional) return undefined;
    throw new ApiError(400, 'BadRequest', 'the request needs a body');
  }
  const contentType = req.headers['content-type'];
  try {
    if (isProtobuf(contentType)) return decodeProtobuf(raw);
    if ((contentType ?? '').startsWith('application/apply-patch+yaml'))
      return parseYaml(raw.toString('utf8'));
    return JSON.parse(raw.toString('utf8'));
  } catch (e) {
    if (optional && e instanceof ProtobufError) return undefined;
    if (e instanceof ProtobufError && e.unsupported)
      throw new ApiError(415, 'UnsupportedMediaType', e.message);
    const what = e instanceof ProtobufError ? e.message : `invalid body: ${(e as Error).message}`;
    throw new ApiError(400, 'BadRequest', what);
  }
}
