import { createRequire as __rkCreateRequire } from 'node:module'; const require = __rkCreateRequire(import.meta.url);
import {
  formatDuration,
  ledgerHeadline
} from "./chunk-XMR6LGIU.js";
import {
  ApiException,
  HelmCancelledError,
  Watch,
  createHelm,
  createKubeClient,
  deployLockAnnotation,
  formatDeployLock,
  isPending,
  parseDeployLock,
  planRelease
} from "./chunk-FV5WVFBX.js";
import {
  UserError,
  __toESM,
  describeError,
  isUserError,
  loadReleaseConfig,
  log,
  require_dist
} from "./chunk-2RHX6AK4.js";

// src/deploy/inputs.ts
import { readFile } from "node:fs/promises";

// src/build/image-map.ts
var DIGEST = /^sha256:[0-9a-f]{64}$/;
var PINNED = /^(?<name>[a-z0-9][a-z0-9._:/-]*[a-z0-9])@(?<digest>sha256:[0-9a-f]{64})$/;
function splitPinnedImage(ref) {
  const m = PINNED.exec(ref);
  return m?.groups ? { name: m.groups.name, digest: m.groups.digest } : void 0;
}
var pinImage = (name, digest) => `${name}@${digest}`;
function parseImageMap(text, source) {
  let data;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new UserError(
      `${source}: the images map is not valid JSON (${e.message})`,
      'expected {"<component>": "<registry>/<name>@sha256:<64 hex>", \u2026}, as `release-kit build` writes it'
    );
  }
  if (isObject(data) && isObject(data.images)) data = data.images;
  if (!isObject(data)) {
    throw new UserError(
      `${source}: the images map must be a JSON object of component names to pinned images`,
      'expected {"<component>": "<registry>/<name>@sha256:<64 hex>", \u2026}'
    );
  }
  const problems = [];
  const map = {};
  for (const [component, ref] of Object.entries(data)) {
    if (typeof ref !== "string") {
      problems.push(`${component}: expected a string, got ${ref === null ? "null" : typeof ref}`);
    } else if (!splitPinnedImage(ref)) {
      const why = ref.includes("@") ? "the digest is not sha256:<64 lowercase hex>" : "it has no @sha256 digest";
      problems.push(`${component}: "${ref}" is not pinned by digest (${why})`);
    } else {
      map[component] = ref;
    }
  }
  if (problems.length > 0) {
    throw new UserError(
      `${source}: ${problems.length} invalid image reference(s):
  ${problems.join("\n  ")}`,
      'each value must be <registry>/<name>@sha256:<64 hex>; tags go in the separate "tags" field'
    );
  }
  if (Object.keys(map).length === 0) {
    throw new UserError(`${source}: the images map is empty`, "build at least one component, or pass no map");
  }
  return map;
}
var isObject = (v) => typeof v === "object" && v !== null && !Array.isArray(v);

// src/deploy/inputs.ts
async function readImageMapArgument(value, name) {
  const text = value.trim();
  if (text.startsWith("{")) return parseImageMap(text, name);
  let content;
  try {
    content = await readFile(text, "utf8");
  } catch (e) {
    const code = e.code;
    const reason = code === "ENOENT" ? "no such file" : code === "EISDIR" ? "it is a directory" : e.message;
    throw new UserError(
      `cannot read the images map ${text} (${name}): ${reason}`,
      "give the JSON file `release-kit build --out` wrote, or the JSON map itself"
    );
  }
  return parseImageMap(content, text);
}
var DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
function checkNamespace(namespace, name) {
  if (namespace.length > 63 || !DNS_LABEL.test(namespace)) {
    throw new UserError(
      `${name} ${JSON.stringify(namespace)} is not a valid Kubernetes namespace`,
      'use at most 63 lowercase letters, digits and "-", starting and ending with a letter or digit'
    );
  }
}
function parseWholeNumber(text, name, min, max) {
  const value = /^\d+$/.test(text.trim()) ? Number(text.trim()) : Number.NaN;
  if (!(Number.isSafeInteger(value) && value >= min && value <= max)) {
    throw new UserError(
      `${name} must be a whole number from ${min} to ${max}, got ${JSON.stringify(text)}`,
      `for example ${name} ${Math.max(min, Math.min(max, 300))}`
    );
  }
  return value;
}

// src/deploy/run.ts
var import_yaml = __toESM(require_dist(), 1);
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";

// src/kube/annotation-lock.ts
var status = (e) => e instanceof ApiException ? e.code : void 0;
async function readAnnotation(client, ref) {
  try {
    const cm = await client.core.readNamespacedConfigMap({ namespace: ref.namespace, name: ref.name });
    const value = cm.metadata?.annotations?.[ref.annotation];
    return { ...value === void 0 ? {} : { value }, resourceVersion: cm.metadata?.resourceVersion ?? "" };
  } catch (e) {
    if (status(e) === 404) return {};
    throw e;
  }
}
async function writeAnnotation(client, ref, expected, value) {
  try {
    if (expected.resourceVersion === void 0) {
      if (value === void 0) return true;
      await client.core.createNamespacedConfigMap({ namespace: ref.namespace, body: configMap(ref, value) });
      return true;
    }
    const current = await client.core.readNamespacedConfigMap({ namespace: ref.namespace, name: ref.name });
    if (current.metadata?.resourceVersion !== expected.resourceVersion) return false;
    const annotations = { ...current.metadata?.annotations };
    if (value === void 0) delete annotations[ref.annotation];
    else annotations[ref.annotation] = value;
    await client.core.replaceNamespacedConfigMap({
      namespace: ref.namespace,
      name: ref.name,
      body: { ...current, metadata: { ...current.metadata, annotations } }
    });
    return true;
  } catch (e) {
    if (status(e) === 409 || status(e) === 404) return false;
    throw e;
  }
}
function configMap(ref, value) {
  return {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: {
      name: ref.name,
      namespace: ref.namespace,
      labels: { "app.kubernetes.io/managed-by": "release-kit" },
      annotations: { [ref.annotation]: value }
    }
  };
}
async function ensureNamespace(client, namespace) {
  try {
    await client.core.readNamespace({ name: namespace });
  } catch (e) {
    if (status(e) !== 404) throw e;
    try {
      await client.core.createNamespace({ body: { metadata: { name: namespace } } });
    } catch (created) {
      if (status(created) !== 409) throw created;
    }
  }
}

// src/deploy/changes.ts
import { createHash } from "node:crypto";
function canonicalJson(value) {
  return JSON.stringify(sortKeys(value));
}
function sortKeys(value) {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value).filter(([, v]) => v !== void 0).sort(([a], [b]) => a < b ? -1 : a > b ? 1 : 0);
    return Object.fromEntries(entries.map(([k, v]) => [k, sortKeys(v)]));
  }
  return value;
}
var valuesDigest = (values) => `sha256:${createHash("sha256").update(canonicalJson(values)).digest("hex")}`;
var MAX_REASONS = 4;
function detectChange(planned, deployed) {
  const reasons = [];
  const paths = changedPaths(planned.values, deployed.values, "");
  if (paths.length > 0) {
    const shown = paths.slice(0, MAX_REASONS).join(", ");
    reasons.push(
      `values changed at ${shown}${paths.length > MAX_REASONS ? ` and ${paths.length - MAX_REASONS} more` : ""}`
    );
  }
  reasons.push(...manifestChanges(withoutHooks(planned.objects), deployed.objects));
  return reasons.length === 0 ? { changed: false } : { changed: true, reasons };
}
function changedPaths(a, b, prefix) {
  if (isMap(a) && isMap(b)) {
    const keys = [.../* @__PURE__ */ new Set([...Object.keys(a), ...Object.keys(b)])].sort();
    return keys.flatMap((k) => changedPaths(a[k], b[k], prefix ? `${prefix}.${k}` : k));
  }
  return canonicalJson(a) === canonicalJson(b) ? [] : [prefix || "(all values)"];
}
var objectKey = (o) => `${o.kind}/${o.namespace ? `${o.namespace}/` : ""}${o.name}`;
function manifestChanges(planned, deployed) {
  const before = new Map(deployed.map((o) => [objectKey(o), canonicalJson(o.object)]));
  const after = new Map(planned.map((o) => [objectKey(o), canonicalJson(o.object)]));
  const changes = [];
  for (const [key, text] of after) {
    const old = before.get(key);
    if (old === void 0) changes.push(`adds ${key}`);
    else if (old !== text) changes.push(`changes ${key}`);
  }
  for (const key of before.keys()) if (!after.has(key)) changes.push(`removes ${key}`);
  if (changes.length <= MAX_REASONS) return changes;
  return [...changes.slice(0, MAX_REASONS), `and ${changes.length - MAX_REASONS} more manifest changes`];
}
var withoutHooks = (objects) => objects.filter((o) => {
  const metadata = o.object.metadata;
  const annotations = isMap(metadata) && isMap(metadata.annotations) ? metadata.annotations : {};
  return annotations["helm.sh/hook"] === void 0;
});
var isMap = (v) => typeof v === "object" && v !== null && !Array.isArray(v);

// src/deploy/lock.ts
var lockConfigMapName = "release-kit-lock";
function decideLock(found, holder, now, where) {
  if (!found || found.expiresAt <= now) return { take: true };
  const who = found.holder === holder ? `${holder} (this same holder, in another run)` : found.holder;
  return {
    take: false,
    reason: `another deploy holds the deploy lock of ${where}: ${who}, since ${found.acquiredAt.toISOString()}, until ${found.expiresAt.toISOString()}`,
    hint: `wait for it to finish; if it died, the lock expires at ${found.expiresAt.toISOString()}, or remove it: kubectl annotate configmap ${lockConfigMapName} -n ${where.replace(/^namespace /, "")} ${deployLockAnnotation}-`
  };
}
async function acquireDeployLock(client, namespace, holder, ttlMs, now = () => /* @__PURE__ */ new Date()) {
  const ref = { namespace, name: lockConfigMapName, annotation: deployLockAnnotation };
  const where = `namespace ${namespace}`;
  for (let attempt = 0; attempt < 5; attempt++) {
    const state = await kubeCall(() => readAnnotation(client, ref), namespace);
    const previous = state.value === void 0 ? void 0 : parseDeployLock(state.value, `ConfigMap ${lockConfigMapName} in ${where}`);
    const at = now();
    const decision = decideLock(previous, holder, at, where);
    if (!decision.take) throw new UserError(decision.reason, decision.hint);
    const lock = { holder, acquiredAt: at, expiresAt: new Date(at.getTime() + ttlMs) };
    if (await kubeCall(() => writeAnnotation(client, ref, state, formatDeployLock(lock)), namespace)) {
      log.debug(`took the deploy lock of ${where} until ${lock.expiresAt.toISOString()}`);
      return {
        lock,
        ...previous ? { previous } : {},
        release: () => releaseLock(client, ref, lock, now)
      };
    }
  }
  throw new UserError(
    `could not take the deploy lock of ${where}: it kept changing under this run`,
    "another deploy is starting at the same time; run again once it has finished"
  );
}
async function releaseLock(client, ref, lock, now, logger = log) {
  const state = await readAnnotation(client, ref);
  const current = state.value === void 0 ? void 0 : parseDeployLock(state.value, ref.name);
  if (current?.holder !== lock.holder || current.acquiredAt.getTime() !== lock.acquiredAt.getTime()) {
    logger.warn(`the deploy lock of namespace ${ref.namespace} is no longer this run's; left as it is`);
    return false;
  }
  const released = formatDeployLock({ ...lock, expiresAt: now() });
  if (await writeAnnotation(client, ref, state, released)) return true;
  logger.warn(`the deploy lock of namespace ${ref.namespace} changed while being released; left as it is`);
  return false;
}
async function kubeCall(fn, namespace, purpose = "take the deploy lock") {
  try {
    return await fn();
  } catch (e) {
    if (e instanceof UserError) throw e;
    if (e instanceof ApiException) {
      if (e.code === 401 || e.code === 403) {
        throw new UserError(
          `the Kubernetes API refused the request to ${purpose} of namespace ${namespace} (HTTP ${e.code})`,
          "the kubeconfig identity needs get, create and update on ConfigMaps (and get, create on Namespaces) there"
        );
      }
      throw e;
    }
    const cause = e.cause?.code ?? e.message;
    throw new UserError(
      `cannot reach the Kubernetes API server to ${purpose} of namespace ${namespace}: ${cause}`,
      "check the kubeconfig's server address and that the cluster is up and reachable from here"
    );
  }
}

// src/kube/pods.ts
var hopelessReasons = ["CrashLoopBackOff", "ImagePullBackOff", "ErrImagePull", "InvalidImageName"];
function podFailure(pod) {
  const statuses = [...pod.status?.initContainerStatuses ?? [], ...pod.status?.containerStatuses ?? []];
  for (const s of statuses) {
    const waiting = s.state?.waiting;
    if (waiting?.reason && hopelessReasons.includes(waiting.reason)) {
      const failure = {
        pod: pod.metadata?.name ?? "(unnamed)",
        container: s.name,
        reason: waiting.reason
      };
      if (waiting.message) failure.message = waiting.message;
      return failure;
    }
  }
  return void 0;
}
var describePodFailure = (f) => `pod ${f.pod}, container ${f.container}: ${f.reason}${f.message ? ` (${f.message})` : ""}`;
var reconnectDelayMs = 200;
async function watchPodFailures(client, req) {
  let stopped = false;
  let abort;
  let timer;
  const existing = /* @__PURE__ */ new Set();
  let resourceVersion;
  const podIsNew = (p) => !existing.has(p.metadata?.uid ?? "");
  try {
    const pods = await client.core.listNamespacedPod({
      namespace: req.namespace,
      labelSelector: req.labelSelector
    });
    for (const p of pods.items) if (p.metadata?.uid) existing.add(p.metadata.uid);
    resourceVersion = pods.metadata?.resourceVersion;
  } catch (e) {
    log.warn(
      `cannot list the pods of ${req.labelSelector} in ${req.namespace}, so deploy waits for helm's timeout instead of failing fast: ${e.message}`
    );
    return { stop: () => {
    } };
  }
  const watch = new Watch(client.config);
  const start = async () => {
    if (stopped) return;
    try {
      abort = await watch.watch(
        `/api/v1/namespaces/${encodeURIComponent(req.namespace)}/pods`,
        { labelSelector: req.labelSelector, resourceVersion, allowWatchBookmarks: true },
        (phase, obj) => {
          if (obj?.metadata?.resourceVersion) resourceVersion = obj.metadata.resourceVersion;
          if (stopped || phase === "BOOKMARK" || phase === "DELETED" || !podIsNew(obj)) return;
          const failure = podFailure(obj);
          if (failure) {
            stop();
            req.onFailure(failure);
          }
        },
        (err) => {
          if (stopped) return;
          const gone = err?.statusCode === 410;
          if (gone) resourceVersion = void 0;
          timer = setTimeout(() => void start(), reconnectDelayMs);
        }
      );
    } catch (e) {
      log.debug(`pod watch of ${req.labelSelector} failed, retrying: ${e.message}`);
      if (!stopped) timer = setTimeout(() => void start(), reconnectDelayMs);
    }
  };
  const stop = () => {
    stopped = true;
    if (timer) clearTimeout(timer);
    abort?.abort();
  };
  await start();
  return { stop };
}

// src/deploy/release.ts
async function inspectRelease(ctx, release, entry, summary) {
  const ref = { release: release.release, namespace: release.namespace };
  const rendering = ctx.helm.template({ ...ref, chart: release.chart, values: release.values });
  if (!summary || summary.status === "uninstalled") {
    await rendering;
    entry.action = "install";
    entry.reasons = [summary ? `revision ${summary.revision} was uninstalled` : "new release"];
    return;
  }
  if (summary.status !== "deployed") {
    const [history] = await Promise.all([ctx.helm.history(ref), rendering]);
    entry.previousRevision = history.findLast((r) => r.status === "deployed" || r.status === "superseded")?.revision ?? null;
    entry.action = "upgrade";
    entry.reasons = [`the last revision ${summary.revision} is ${summary.status}`];
    return;
  }
  entry.previousRevision = summary.revision;
  const [planned, values, objects] = await Promise.all([
    rendering,
    ctx.helm.getValues(ref),
    ctx.helm.getManifest(ref)
  ]);
  const verdict = detectChange({ values: release.values, objects: planned.objects }, { values, objects });
  if (verdict.changed) {
    entry.action = "upgrade";
    entry.reasons = verdict.reasons;
  } else {
    entry.action = "skip";
    entry.revision = summary.revision;
  }
}
async function deployRelease(ctx, release, entry) {
  const started = ctx.now();
  entry.startedAt = started.toISOString();
  const finish = () => {
    const end = ctx.now();
    entry.finishedAt = end.toISOString();
    entry.durationMs = end.getTime() - started.getTime();
  };
  if (entry.action === "skip") {
    entry.outcome = "unchanged";
    finish();
    ctx.logger.info(`  ${release.release}: unchanged, revision ${entry.revision} kept`);
    return entry;
  }
  const verb = entry.action === "install" ? "installing" : "upgrading";
  ctx.logger.info(`  ${release.release}: ${verb} (${(entry.reasons ?? []).join("; ")})`);
  const abort = new AbortController();
  let podFailure2;
  const watch = await watchPodFailures(ctx.kube, {
    namespace: release.namespace,
    labelSelector: `app.kubernetes.io/instance=${release.release}`,
    onFailure: (f) => {
      podFailure2 = f;
      ctx.logger.warn(
        `${release.release}: ${describePodFailure(f)}; stopping helm instead of waiting for its timeout`
      );
      abort.abort();
    }
  });
  try {
    const state = await ctx.helm.upgradeInstall(
      {
        release: release.release,
        namespace: release.namespace,
        chart: release.chart,
        values: release.values,
        wait: true,
        timeoutSeconds: ctx.timeoutSeconds,
        description: `release-kit ${ctx.runId}: values ${entry.valuesDigest}`
      },
      { signal: abort.signal }
    );
    entry.outcome = "deployed";
    entry.revision = state.revision;
    entry.changed = true;
    if (state.chart) entry.chartVersion = state.chart.version;
    finish();
    ctx.logger.info(
      `  ${release.release}: revision ${state.revision} ready in ${formatDuration(entry.durationMs)}`
    );
  } catch (e) {
    entry.outcome = "failed";
    entry.error = e instanceof HelmCancelledError && podFailure2 ? `${describePodFailure(podFailure2)}: the new pods cannot become ready` : describeError(e);
    finish();
    await recordFailedRevision(ctx, entry);
    ctx.logger.error(`${release.release}: failed after ${formatDuration(entry.durationMs)}: ${entry.error}`);
  } finally {
    watch.stop();
  }
  return entry;
}
async function recordFailedRevision(ctx, entry) {
  try {
    const last = (await ctx.helm.history({ release: entry.release, namespace: entry.namespace })).at(-1);
    if (last && last.revision !== entry.previousRevision) {
      entry.revision = last.revision;
      entry.changed = true;
      if (last.status !== "failed") entry.error += ` (revision ${last.revision} is ${last.status})`;
    }
  } catch {
  }
}

// src/deploy/schedule.ts
async function runInWaves(waves, options, run, failed, aroundWave = (_wave, _items, run2) => run2()) {
  if (!(Number.isInteger(options.concurrency) && options.concurrency >= 1)) {
    throw new RangeError(`concurrency must be a whole number >= 1, got ${options.concurrency}`);
  }
  const results = [];
  const notStarted = [];
  let failedWave;
  let stoppedAfterWave;
  for (const [index, items] of waves.entries()) {
    const wave = index + 1;
    if (failedWave !== void 0 || stoppedAfterWave !== void 0) {
      notStarted.push(...items);
      continue;
    }
    const queue = [...items];
    const waveResults = [];
    const worker = async () => {
      for (let item = queue.shift(); item !== void 0; item = queue.shift()) {
        const result = await run(item, wave);
        waveResults.push(result);
        if (failed(result)) {
          failedWave ??= wave;
          notStarted.push(...queue.splice(0));
        }
      }
    };
    await aroundWave(wave, items, async () => {
      await Promise.all(Array.from({ length: Math.min(options.concurrency, items.length) }, worker));
    });
    results.push(...waveResults);
    if (failedWave === void 0 && await options.afterWave?.(wave, waveResults)) stoppedAfterWave = wave;
  }
  return {
    results,
    notStarted,
    ...failedWave === void 0 ? {} : { failedWave },
    ...stoppedAfterWave === void 0 ? {} : { stoppedAfterWave }
  };
}

// src/deploy/run.ts
var defaultTimeoutSeconds = 300;
var defaultConcurrency = 4;
async function runDeploy(options, deps = {}) {
  const logger = deps.logger ?? log;
  const now = options.now ?? (() => /* @__PURE__ */ new Date());
  const timeoutSeconds = options.timeoutSeconds ?? defaultTimeoutSeconds;
  const concurrency = options.concurrency ?? defaultConcurrency;
  if (!(Number.isInteger(timeoutSeconds) && timeoutSeconds > 0))
    throw new UserError(`invalid timeout ${timeoutSeconds}`, "give whole seconds greater than 0");
  if (!(Number.isInteger(concurrency) && concurrency > 0))
    throw new UserError(
      `invalid concurrency ${concurrency}`,
      "give a whole number of releases greater than 0"
    );
  const config = await loadReleaseConfig(options.config, { environment: options.environment });
  const namespace = options.namespace ?? config.namespace;
  checkNamespace(namespace, options.namespace ? "the namespace" : "the config namespace");
  const plan = planRelease(config, options.images ? { images: options.images } : {});
  const releases = plan.releases.map((r) => ({ ...r, namespace }));
  const kube = createKubeClient(options.kubeconfig);
  const helm = await createHelm({
    ...options.helm ? { binary: options.helm } : {},
    ...options.kubeconfig ? { kubeconfig: options.kubeconfig } : {},
    namespace
  });
  const runId = options.runId ?? randomUUID();
  const ledger = {
    version: 1,
    runId,
    config: options.config,
    ...options.environment ? { environment: options.environment } : {},
    namespace,
    startedAt: now().toISOString(),
    dryRun: Boolean(options.dryRun),
    outcome: "success",
    helmVersion: helm.version.raw,
    releases: releases.map((r) => initialEntry(r))
  };
  const entryOf = new Map(ledger.releases.map((e) => [e.release, e]));
  const ctx = {
    helm,
    kube,
    logger,
    timeoutSeconds,
    runId,
    now
  };
  logger.info(
    `${options.dryRun ? "dry run: " : ""}deploying ${releases.length} releases of ${config.name} to namespace ${namespace} in ${plan.waves.length} waves (helm ${helm.version.raw}, up to ${concurrency} at a time, timeout ${timeoutSeconds} s each)`
  );
  let lock;
  try {
    if (!options.dryRun) {
      await kubeCall(() => ensureNamespace(kube, namespace), namespace);
      const ttlMs = (plan.waves.length + 1) * (timeoutSeconds + 60) * 1e3;
      lock = await acquireDeployLock(kube, namespace, options.holder ?? defaultHolder(), ttlMs, now);
    }
    let listed = await listReleases(helm, namespace);
    if (await repairPending(ctx, releases, listed, lock, options, entryOf))
      listed = await listReleases(helm, namespace);
    await logger.group(
      `checking ${releases.length} releases for changes`,
      () => inspectAll(ctx, releases, listed, entryOf, concurrency)
    );
    if (ledger.releases.some((e) => e.outcome === "failed")) ledger.outcome = "failed";
    else if (options.dryRun) {
      for (const e of ledger.releases) if (e.action === "skip") e.outcome = "unchanged";
    } else {
      await deployWaves(
        ctx,
        plan.waves,
        releases,
        entryOf,
        { concurrency, afterWave: options.afterWave },
        ledger
      );
    }
  } finally {
    if (lock) {
      try {
        await lock.release();
      } catch (e) {
        logger.warn(
          `could not release the deploy lock: ${describeError(e)}; it expires at ${lock.lock.expiresAt.toISOString()}`
        );
      }
    }
  }
  ledger.finishedAt = now().toISOString();
  logger.info(ledgerHeadline(ledger));
  return ledger;
}
async function inspectAll(ctx, releases, listed, entryOf, concurrency) {
  await mapLimit(releases, concurrency, async (r) => {
    const entry = entryOf.get(r.release);
    try {
      await inspectRelease(ctx, r, entry, listed.get(r.release));
    } catch (e) {
      if (!isUserError(e)) throw e;
      entry.outcome = "failed";
      entry.error = describeError(e);
      ctx.logger.error(`${r.release}: ${entry.error}`);
    }
  });
  const failed = [...entryOf.values()].filter((e) => e.outcome === "failed");
  const changing = [...entryOf.values()].filter((e) => e.action === "install" || e.action === "upgrade");
  if (failed.length > 0) {
    ctx.logger.error(`${failed.length} release(s) could not be inspected; nothing was changed`);
  } else {
    ctx.logger.info(
      changing.length === 0 ? "every release matches its deployed revision: nothing to do" : `to install or upgrade: ${changing.map((e) => e.release).join(", ")}; ${entryOf.size - changing.length} unchanged`
    );
  }
}
async function deployWaves(ctx, waveNames, releases, entryOf, options, ledger) {
  const waves = waveNames.map((names) => releases.filter((r) => names.includes(r.component)));
  const { afterWave } = options;
  let hookError;
  const result = await runInWaves(
    waves,
    {
      concurrency: options.concurrency,
      ...afterWave && {
        afterWave: async (index) => {
          const changed = ledger.releases.filter((e) => e.wave === index && e.changed);
          if (changed.length === 0) return false;
          try {
            return await afterWave({ index, releases: changed }, ledger) === "stop";
          } catch (e) {
            hookError = isUserError(e) || !(e instanceof Error) ? describeError(e) : e.message;
            ctx.logger.debug(describeError(e));
            return true;
          }
        }
      }
    },
    (r) => deployRelease(ctx, r, entryOf.get(r.release)),
    (entry) => entry.outcome === "failed",
    (wave, items, run) => ctx.logger.group(`wave ${wave}/${waves.length}: ${items.map((r) => r.component).join(", ")}`, run)
  );
  const skipped = result.notStarted.map((r) => r.release);
  const notStarted = skipped.length ? `; not started: ${skipped.join(", ")}` : "";
  let why;
  if (result.failedWave !== void 0) {
    why = `wave ${result.failedWave} failed`;
    ctx.logger.error(`${why}, so the rollout stopped${notStarted}`);
  } else if (result.stoppedAfterWave !== void 0) {
    const wave = result.stoppedAfterWave;
    why = hookError ? `the check after wave ${wave} could not run: ${hookError}` : `the verification of wave ${wave} did not pass`;
    ledger.stoppedAfterWave = wave;
    ledger.error = `${why}, so the rollout stopped${notStarted}`;
    ctx.logger.error(ledger.error);
  }
  if (why === void 0) return;
  ledger.outcome = "failed";
  for (const r of result.notStarted) entryOf.get(r.release).notStartedReason = why;
}
function initialEntry(r) {
  return {
    component: r.component,
    release: r.release,
    namespace: r.namespace,
    wave: r.wave,
    previousRevision: null,
    revision: null,
    chartVersion: chartVersionOf(r.chart),
    images: [r.image],
    valuesDigest: valuesDigest(r.values),
    changed: false,
    outcome: "not-started"
  };
}
var chartVersions = /* @__PURE__ */ new Map();
function chartVersionOf(chart) {
  let version = chartVersions.get(chart);
  if (version === void 0) {
    try {
      const meta = (0, import_yaml.parse)(readFileSync(join(chart, "Chart.yaml"), "utf8"));
      version = typeof meta?.version === "string" ? meta.version : "";
    } catch {
      version = "";
    }
    chartVersions.set(chart, version);
  }
  return version;
}
async function listReleases(helm, namespace) {
  return new Map((await helm.list({ namespace })).map((r) => [r.name, r]));
}
async function repairPending(ctx, releases, listed, lock, options, entryOf) {
  const pending = releases.filter((r) => {
    const status2 = listed.get(r.release)?.status;
    return status2 !== void 0 && isPending(status2);
  });
  if (pending.length === 0) return false;
  const staleAfterMs = options.staleAfterMs ?? (ctx.timeoutSeconds + 120) * 1e3;
  for (const r of pending) {
    const summary = listed.get(r.release);
    if (options.dryRun) {
      ctx.logger.warn(
        `${r.release} is ${summary.status} (revision ${summary.revision}); a deploy would repair it first`
      );
      continue;
    }
    const previous = lock?.previous;
    const outcome = await ctx.helm.repairPending({
      release: r.release,
      namespace: r.namespace,
      staleAfterMs,
      ...previous ? { lock: previous } : {},
      ...lock ? { holder: lock.lock.holder } : {},
      now: ctx.now(),
      wait: true,
      timeoutSeconds: ctx.timeoutSeconds
    });
    if (outcome.plan.action === "blocked") {
      throw new UserError(
        `another helm operation is in progress on release ${r.release}: ${outcome.plan.reason}`,
        `wait for it to finish and deploy again; if no helm is running, deploy again after ${outcome.plan.retryAt.toISOString()}, when release-kit repairs the release`
      );
    }
    if (outcome.repaired) entryOf.get(r.release).repaired = outcome.plan.reason;
  }
  return true;
}
async function mapLimit(items, limit, fn) {
  const queue = [...items];
  const errors = [];
  const worker = async () => {
    for (let item = queue.shift(); item !== void 0; item = queue.shift()) {
      try {
        await fn(item);
      } catch (e) {
        errors.push(e);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  if (errors.length > 0) throw errors[0];
}
function defaultHolder() {
  const user = process.env.USER ?? process.env.USERNAME ?? "unknown";
  return `cli:${user}@${hostname()}`;
}

export {
  DIGEST,
  pinImage,
  parseImageMap,
  readImageMapArgument,
  checkNamespace,
  parseWholeNumber,
  readAnnotation,
  writeAnnotation,
  lockConfigMapName,
  releaseLock,
  kubeCall,
  defaultTimeoutSeconds,
  defaultConcurrency,
  runDeploy
};
