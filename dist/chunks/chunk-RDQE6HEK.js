import { createRequire as __rkCreateRequire } from 'node:module'; const require = __rkCreateRequire(import.meta.url);
import {
  createJob,
  environmentLabel,
  jobFromCronJob,
  jobName,
  jobOutcome,
  labelsOf,
  readCronJob,
  restoreCronJob,
  restoreSnapshot,
  runStoreBackups,
  selectStores,
  selectorTags,
  verifyCopy,
  waitForJob
} from "./chunk-QK6VKUA6.js";
import {
  formatTable
} from "./chunk-XMR6LGIU.js";
import {
  ApiException,
  PatchStrategy,
  planRelease,
  setHeaderOptions
} from "./chunk-FV5WVFBX.js";
import {
  UserError,
  log
} from "./chunk-2RHX6AK4.js";

// src/restore/report.ts
var stepHeaders = ["#", "Step", "Outcome", "Details"];
var stepRows = (steps) => steps.map((s, i) => [String(i + 1), s.title, s.status, (s.message ?? s.detail).replace(/\s*\n\s*/g, " ")]);
function formatReport(report) {
  const lines = [formatTable(stepHeaders, stepRows(report.state.steps)), ""];
  if (report.ok) {
    lines.push(`restore of ${report.state.stores.join(", ")} in ${report.state.namespace} finished`);
  } else {
    lines.push(
      `restore FAILED at "${report.failed?.title}". ${report.stopped ? `Services in ${report.state.namespace} are STOPPED (replicas remembered: ${Object.entries({
        ...report.state.replicas,
        ...report.state.storeReplicas
      }).map(([n, r]) => `${n}=${r}`).join(", ")}).` : "Nothing was stopped or overwritten."}`,
      `state: ${report.statePath}`
    );
    if (report.resumeCommand) lines.push(`resume after fixing the cause: ${report.resumeCommand}`);
    if (report.revertCommand) lines.push(`revert to the safety snapshot: ${report.revertCommand}`);
  }
  return `${lines.join("\n")}
`;
}

// src/restore/snapshots.ts
function parseSnapshotSpec(text) {
  const spec = text.trim();
  if (spec === "latest") return "latest";
  const ids = spec.split(",").map((s) => s.trim()).filter(Boolean);
  if (!ids.length || ids.some((id) => !/^[0-9a-f]{8,64}$/.test(id))) {
    throw new UserError(
      `the snapshot ${JSON.stringify(text)} is neither "latest" nor snapshot ids`,
      "give latest, or ids as `restic snapshots` prints them (8 or 64 hex digits), comma-separated"
    );
  }
  return ids;
}
async function resolveSnapshots(restic, environment, spec, stores) {
  const all = await restic.snapshots(selectorTags("data"));
  const resolved = {};
  const problems = [];
  if (spec === "latest") {
    for (const store of stores) {
      const newest = all.filter((s) => {
        const l = labelsOf(s.tags);
        return l?.store === store && l.environment === environment;
      }).at(-1);
      if (newest) resolved[store] = newest;
      else
        problems.push(`there is no data snapshot of ${store} (env=${environment}) in ${restic.repository}`);
    }
    return { resolved, problems };
  }
  for (const id of spec) {
    const found = all.filter((s) => s.id.startsWith(id));
    const snapshot = found[0];
    if (found.length !== 1 || !snapshot) {
      problems.push(
        found.length ? `snapshot ${id} is ambiguous: give more of its id` : `snapshot ${id} does not exist in ${restic.repository} (or is not a release-kit data snapshot)`
      );
      continue;
    }
    const store = labelsOf(snapshot.tags)?.store;
    if (!stores.includes(store)) {
      problems.push(
        `snapshot ${id} holds ${store}, which is not among the stores to restore (${stores.join(", ")})`
      );
    } else if (resolved[store]) {
      problems.push(
        `snapshots ${resolved[store].shortId} and ${snapshot.shortId} both hold ${store}: give one`
      );
    } else {
      resolved[store] = snapshot;
    }
  }
  return { resolved, problems };
}

// src/restore/state.ts
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
var defaultStatePath = (cwd, namespace) => join(cwd, ".release-kit", `restore-${namespace}.json`);
async function readState(path) {
  let text;
  try {
    text = await readFile(path, "utf8");
  } catch (e) {
    if (e.code === "ENOENT") return void 0;
    throw e;
  }
  let state;
  try {
    state = JSON.parse(text);
  } catch (e) {
    throw new UserError(
      `${path} is not a restore state file: ${e.message}`,
      "restore it from a copy, or remove it"
    );
  }
  if (state?.format !== 1 || !Array.isArray(state.steps)) {
    throw new UserError(
      `${path} is not a restore state file of this release-kit`,
      "remove it, or pass another --state"
    );
  }
  return state;
}
async function writeState(path, state) {
  await mkdir(dirname(path), { recursive: true });
  const partial = `${path}.partial`;
  await writeFile(partial, `${JSON.stringify(state, null, 2)}
`, { mode: 384 });
  await rename(partial, path);
}
var servicesStopped = (state) => state.steps.some((s) => s.kind === "stop" && s.status === "done") && !state.steps.some((s) => s.kind === "start" && s.status === "done");

// src/restore/run.ts
import { rm } from "node:fs/promises";
import { join as join2 } from "node:path";

// src/kube/scale.ts
function deploymentsOf(client, namespace, releases) {
  return workloadsOf(client, namespace, releases, "Deployment");
}
function statefulSetsOf(client, namespace, releases) {
  return workloadsOf(client, namespace, releases, "StatefulSet");
}
async function workloadsOf(client, namespace, releases, kind) {
  const found = [];
  for (const release of releases) {
    const query = { namespace, labelSelector: `app.kubernetes.io/instance=${release}` };
    const list = kind === "Deployment" ? await client.apps.listNamespacedDeployment(query) : await client.apps.listNamespacedStatefulSet(query);
    for (const d of list.items) {
      found.push({ name: d.metadata?.name ?? "", release, replicas: d.spec?.replicas ?? 1 });
    }
  }
  return found.sort((a, b) => a.name.localeCompare(b.name));
}
async function scaleWorkload(client, namespace, name, replicas, kind = "Deployment") {
  const request = { name, namespace, body: { spec: { replicas } } };
  const merge = setHeaderOptions("Content-Type", PatchStrategy.MergePatch);
  if (kind === "Deployment") await client.apps.patchNamespacedDeploymentScale(request, merge);
  else await client.apps.patchNamespacedStatefulSetScale(request, merge);
}
function reachedReplicas(d, replicas) {
  const s = d.status ?? {};
  if ((d.status?.observedGeneration ?? 0) < (d.metadata?.generation ?? 0)) return false;
  if (replicas === 0) return (s.replicas ?? 0) === 0;
  return (s.replicas ?? 0) === replicas && (s.readyReplicas ?? 0) >= replicas && (s.updatedReplicas ?? 0) >= replicas;
}
async function waitForReplicas(client, namespace, targets, o) {
  const kind = o.kind ?? "Deployment";
  const deadline = Date.now() + o.timeoutMs;
  let pending2 = [...targets];
  for (; ; ) {
    const still = [];
    for (const t of pending2) {
      const d = kind === "Deployment" ? await client.apps.readNamespacedDeployment({ name: t.name, namespace }) : await client.apps.readNamespacedStatefulSet({ name: t.name, namespace });
      if (!reachedReplicas(d, t.replicas)) still.push(t);
    }
    pending2 = still;
    if (pending2.length === 0) return;
    if (Date.now() > deadline) {
      throw new UserError(
        `${kind}s did not reach their replica counts within ${Math.round(o.timeoutMs / 1e3)} s: ${pending2.map((t) => `${t.name} (want ${t.replicas})`).join(", ")}`,
        `look at them: kubectl -n ${namespace} get ${kind.toLowerCase()}s,pods`
      );
    }
    await new Promise((r) => setTimeout(r, o.pollMs ?? 250));
  }
}

// src/restore/volumes.ts
var shardLabel = "release-kit.dev/shard";
var dataVolume = "data";
function planVolumeRestores(sets, remembered) {
  const unknown = sets.filter((s) => remembered[s.name] === void 0).map((s) => s.name);
  if (unknown.length) {
    throw new UserError(
      `StatefulSet ${unknown.join(", ")} was not stopped by this restore: it appeared after the stop step, so its pods may be running on the data`,
      "remove what was deployed during the restore and --resume, or --revert"
    );
  }
  return [...sets].sort((a, b) => a.name.localeCompare(b.name)).flatMap(
    (s) => Array.from({ length: remembered[s.name] ?? 0 }, (_, i) => {
      const pod = `${s.name}-${i}`;
      const shard = s.labels[shardLabel];
      return {
        statefulSet: s.name,
        pod,
        claim: `${dataVolume}-${pod}`,
        ...shard !== void 0 ? { shard } : {}
      };
    })
  );
}
var volumeEnv = (v) => ({
  RESTORE_POD: v.pod,
  ...v.shard !== void 0 ? { RESTORE_SHARD: v.shard } : {}
});

// src/restore/jobs.ts
var plural = (n, word) => `${n} ${word}${n === 1 ? "" : "s"}`;
async function runRestoreJobs(kube, r) {
  const ns = r.namespace;
  const sets = await kube.apps.listNamespacedStatefulSet({
    namespace: ns,
    labelSelector: `app.kubernetes.io/instance=${r.release}`
  });
  const volumes = planVolumeRestores(
    sets.items.map((s) => ({ name: s.metadata?.name ?? "", labels: s.metadata?.labels ?? {} })),
    r.remembered
  );
  if (!volumes.length) throw new UserError(`release ${r.release} has no data volumes to restore in ${ns}`);
  await requireClaims(kube, ns, volumes);
  const cron = await readCronJob(kube, ns, r.cronJob);
  const jobs = [];
  for (const [k, v] of volumes.entries()) {
    const job = jobFromCronJob(cron, jobName(`${r.cronJob}-${k}`, r.suffix), {
      env: { RESTORE_SNAPSHOT: r.snapshot, ...volumeEnv(v) },
      claims: { [dataVolume]: v.claim }
    });
    jobs.push(await createJob(kube, ns, job));
    await r.onCreated([...jobs]);
  }
  const outcomes = await Promise.allSettled(
    jobs.map((job) => waitForJob(kube, ns, job, { timeoutMs: r.timeoutMs }))
  );
  const failures = outcomes.flatMap((o, i) => {
    const job = jobs[i];
    const claim = volumes[i]?.claim;
    const logs = `kubectl -n ${ns} logs job/${job}`;
    if (o.status === "rejected") return [`${o.reason.message} (${claim}): ${logs}`];
    if (o.value.status === "succeeded") return [];
    const why = o.value.reason ? ` (${o.value.reason}${o.value.message ? `: ${o.value.message}` : ""})` : "";
    return [`${job} (${claim}) failed${why}: ${logs}`];
  });
  if (failures.length) {
    throw new UserError(
      `${plural(failures.length, "restore Job")} of ${jobs.length} did not succeed:
  - ${failures.join("\n  - ")}`
    );
  }
  const statefulSets = [...new Set(volumes.map((v) => v.statefulSet))].join(", ");
  return `${plural(jobs.length, "Job")} (${jobs[0]} \u2026) restored snapshot ${r.snapshot.slice(0, 8)} into ${plural(volumes.length, "data volume")} of ${statefulSets}`;
}
async function requireClaims(kube, ns, volumes) {
  const missing = [];
  for (const v of volumes) {
    try {
      await kube.core.readNamespacedPersistentVolumeClaim({ name: v.claim, namespace: ns });
    } catch (e) {
      if (!(e instanceof ApiException && e.code === 404)) throw e;
      missing.push(`${v.claim} (of pod ${v.pod})`);
    }
  }
  if (!missing.length) return;
  const one = missing.length === 1;
  throw new UserError(
    `no restore Job was started: PersistentVolumeClaim${one ? "" : "s"} ${missing.join(", ")} ${one ? "does" : "do"} not exist in ${ns}. Recreate ${one ? "it" : "them"} (a StatefulSet creates a pod's claim when the pod starts), then --resume`
  );
}

// src/restore/plan.ts
function planRestore(input) {
  const ns = input.namespace;
  const steps = [
    {
      id: "validate",
      kind: "validate",
      title: "Validate backup",
      detail: `find ${input.stores.map((s) => `${s} ${input.snapshots[s] ?? "latest"}`).join(", ")}; restic check (re-reading a share of the data); restore each snapshot to a scratch directory and compare every file with its manifest`
    }
  ];
  if (!input.revert) {
    steps.push({
      id: "safety-snapshot",
      kind: "safety-snapshot",
      title: "Safety snapshot",
      detail: `run the backup Jobs ${input.stores.map((s) => `${s}-backup`).join(", ")} now: the current data, to revert to`
    });
  }
  steps.push({
    id: "stop",
    kind: "stop",
    title: "Stop services",
    detail: `remember the replicas of the Deployments of ${input.appReleases.join(", ")} and of the StatefulSets of ${input.storeReleases.join(", ")} in ${ns}; scale the Deployments to 0, then the StatefulSets, and wait until their pods are gone (a running store would overwrite the restored files, and holds its data volumes)`
  });
  for (const store of input.stores) {
    steps.push({
      id: `restore:${store}`,
      kind: "restore",
      store,
      title: `Restore ${store}`,
      detail: `create one Job from CronJob ${store}-restore per data volume of the stopped ${store} pods (each mounting that pod's PVC) with RESTORE_SNAPSHOT set to the validated snapshot, and wait for all`
    });
  }
  steps.push({
    id: "start-stores",
    kind: "start-stores",
    title: "Start stores",
    detail: `scale the StatefulSets of ${input.storeReleases.join(", ")} back to the remembered replicas and wait until they are ready`
  });
  steps.push({
    id: "verify",
    kind: "verify",
    title: "Verify data",
    detail: "every restore Job succeeded, the restored copy matches its manifest, and the stores are ready"
  });
  steps.push({
    id: "migrate",
    kind: "migrate",
    title: "Migration",
    detail: input.migration ? `run the migration Job (${input.migration.image}: ${input.migration.command.join(" ")}) and wait for it` : "nothing to run: backup.migration is not configured"
  });
  steps.push({
    id: "test",
    kind: "test",
    title: "Test",
    detail: `helm test ${input.storeReleases.join(", ")}; every store workload ready`
  });
  steps.push({
    id: "start",
    kind: "start",
    title: "Start services",
    detail: `scale the Deployments of ${input.appReleases.join(", ")} back to the remembered replicas and wait until they are ready`
  });
  return steps;
}
function formatPlan(steps) {
  return `${steps.map((s, i) => `${i + 1}. ${s.title}: ${s.detail}`).join("\n")}
`;
}

// src/restore/run.ts
var StepFailure = class extends Error {
};
var plural2 = (n, word) => `${n} ${word}${n === 1 ? "" : "s"}`;
function releasesOf(config, stores) {
  const plan = planRelease(config);
  return {
    app: plan.releases.filter((r) => r.kind === "service").map((r) => r.release),
    stores: plan.releases.filter((r) => stores.includes(r.component)).map((r) => r.release),
    /** Store -> the Helm release whose StatefulSets hold its data. */
    storeRelease: Object.fromEntries(
      plan.releases.filter((r) => stores.includes(r.component)).map((r) => [r.component, r.release])
    ),
    /** Labels that put the migration Job's pod under an app tier's NetworkPolicy (it reaches the stores). */
    appLabels: plan.releases.filter((r) => r.kind === "service").map((r) => ({
      "app.kubernetes.io/instance": r.release,
      "app.kubernetes.io/component": r.component,
      "release-kit.dev/zone": "app"
    }))[0]
  };
}
async function prepareRestore(o, request) {
  const previous = await readState(o.statePath);
  if (request.mode === "resume") {
    if (!previous || previous.finished) {
      throw new UserError(
        `there is no unfinished restore to resume in ${o.statePath}`,
        "start one with --snapshot, or pass the --state file the failed restore printed"
      );
    }
    return previous;
  }
  if (request.mode === "revert") {
    if (!previous) {
      throw new UserError(
        `there is no restore state in ${o.statePath} to revert`,
        "pass the --state file the failed restore printed"
      );
    }
    const missing = previous.stores.filter((s) => !previous.safetySnapshots[s]);
    if (missing.length) {
      throw new UserError(
        `the restore in ${o.statePath} has no safety snapshot of ${missing.join(", ")}: there is nothing to revert to`,
        "restore an older snapshot of those stores with --snapshot instead"
      );
    }
    const releases2 = releasesOf(o.config, previous.stores);
    return {
      ...newState(o, "revert", previous.stores),
      snapshots: { ...previous.safetySnapshots },
      // The workloads are probably at 0 now: keep the counts remembered before the first stop.
      ...previous.replicas ? { replicas: previous.replicas } : {},
      ...previous.storeReplicas ? { storeReplicas: previous.storeReplicas } : {},
      steps: planRestore({
        namespace: o.config.namespace,
        stores: previous.stores,
        snapshots: previous.safetySnapshots,
        appReleases: releases2.app,
        storeReleases: releases2.stores,
        ...o.config.backup.migration ? { migration: o.config.backup.migration } : {},
        revert: true
      }).map(pending)
    };
  }
  if (previous && !previous.finished) {
    const failed = previous.steps.find((s) => s.status === "failed");
    throw new UserError(
      `an unfinished restore of ${previous.namespace} is recorded in ${o.statePath}${failed ? ` (step "${failed.title}" failed: ${failed.message})` : ""}`,
      "finish it first with --resume or --revert, or remove the file if you are sure nothing is stopped"
    );
  }
  const spec = parseSnapshotSpec(request.snapshot);
  let stores = selectStores(o.config, request.stores);
  const requested = {};
  if (spec !== "latest") {
    const { resolved } = await resolveSnapshots(o.restic, environmentLabel(o.config), spec, stores);
    if (!request.stores?.length && Object.keys(resolved).length) stores = Object.keys(resolved).sort();
    for (const [store, s] of Object.entries(resolved)) requested[store] = s.shortId;
  }
  const releases = releasesOf(o.config, stores);
  const state = newState(o, "restore", stores);
  state.steps = planRestore({
    namespace: o.config.namespace,
    stores,
    snapshots: spec === "latest" ? Object.fromEntries(stores.map((s) => [s, "latest"])) : requested,
    appReleases: releases.app,
    storeReleases: releases.stores,
    ...o.config.backup.migration ? { migration: o.config.backup.migration } : {}
  }).map(pending);
  state.request = request.snapshot;
  return state;
}
var pending = (s) => ({ ...s, status: "pending" });
function newState(o, mode, stores) {
  return {
    format: 1,
    mode,
    configFile: o.configFile,
    ...o.environment ? { environment: o.environment } : {},
    namespace: o.config.namespace,
    stores,
    snapshots: {},
    safetySnapshots: {},
    jobs: {},
    steps: [],
    startedAt: (o.now?.() ?? /* @__PURE__ */ new Date()).toISOString(),
    finished: false
  };
}
function followUpCommand(state, statePath, mode) {
  const quote = (s) => /^[\w./:@=-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
  return [
    "release-kit restore",
    `--${mode}`,
    `--config ${quote(state.configFile)}`,
    ...state.environment ? [`--env ${quote(state.environment)}`] : [],
    `--state ${quote(statePath)}`,
    "--yes"
  ].join(" ");
}
async function executeRestore(o, state) {
  await writeState(o.statePath, state);
  const workDir = `${o.statePath}.d`;
  const releases = releasesOf(o.config, state.stores);
  const jobTimeoutMs = o.jobTimeoutMs ?? 6 * 36e5;
  const scaleTimeoutMs = o.scaleTimeoutMs ?? 6e5;
  const ns = o.config.namespace;
  const copyOf = async (store) => {
    const dir = join2(workDir, store);
    const id = state.snapshots[store];
    try {
      const existing = await verifyCopy(dir);
      if (existing.problems.length === 0) return existing;
    } catch {
    }
    await rm(dir, { recursive: true, force: true });
    return restoreSnapshot(o.restic, id, dir);
  };
  const scaleAll = async (kind, remembered, to) => {
    const targets = Object.entries(remembered).map(([name, n]) => ({ name, replicas: to(n) }));
    for (const t of targets) await scaleWorkload(o.kube, ns, t.name, t.replicas, kind);
    await waitForReplicas(o.kube, ns, targets, { timeoutMs: scaleTimeoutMs, kind });
  };
  const steps = {
    validate: async () => {
      const spec = state.mode === "revert" ? Object.values(state.snapshots) : parseSnapshotSpec(state.request ?? "latest");
      const { resolved, problems } = await resolveSnapshots(
        o.restic,
        environmentLabel(o.config),
        spec,
        state.stores
      );
      const unresolved = problems.length > 0;
      for (const store of state.stores) {
        const s = resolved[store];
        if (s) state.snapshots[store] = s.id;
        else if (!unresolved) problems.push(`none of the snapshots given holds ${store}`);
      }
      const check = await o.restic.check(o.readDataSubset ?? "10%");
      problems.push(...check.findings.map((f) => `repository ${o.restic.repository}: ${f}`));
      for (const [store, s] of Object.entries(resolved)) {
        try {
          const copy = await copyOf(store);
          problems.push(...copy.problems.map((p) => `snapshot ${s.shortId} (${store}): ${p}`));
          if (copy.manifest.store !== store)
            problems.push(
              `snapshot ${s.shortId}: its manifest describes ${copy.manifest.store}, not ${store}`
            );
        } catch (e) {
          problems.push(`snapshot ${s.shortId} (${store}) could not be restored: ${e.message}`);
        }
      }
      if (problems.length) throw new StepFailure(`the backup is not usable:
  - ${problems.join("\n  - ")}`);
      return `${Object.entries(resolved).map(([store, s]) => `${store} ${s.shortId} (${s.time.toISOString()})`).join(", ")}: repository check passed, every file matches its manifest`;
    },
    "safety-snapshot": async () => {
      const runs = await runStoreBackups({
        kube: o.kube,
        restic: o.restic,
        namespace: ns,
        environment: environmentLabel(o.config),
        stores: state.stores,
        suffix: o.suffix,
        jobTimeoutMs,
        ...o.snapshotWaitMs !== void 0 ? { snapshotWaitMs: o.snapshotWaitMs } : {}
      });
      for (const r of runs) if (r.snapshot) state.safetySnapshots[r.store] = r.snapshot.id;
      const failed2 = runs.filter((r) => r.problem);
      if (failed2.length) throw new StepFailure(failed2.map((r) => `${r.store}: ${r.problem}`).join("; "));
      return runs.map((r) => `${r.store} ${r.snapshot?.shortId}`).join(", ");
    },
    stop: async () => {
      if (!state.replicas || !state.storeReplicas) {
        const found = await deploymentsOf(o.kube, ns, releases.app);
        if (!found.length)
          throw new StepFailure(`no Deployments of ${releases.app.join(", ")} found in ${ns}`);
        const stores = await statefulSetsOf(o.kube, ns, releases.stores);
        if (!stores.length)
          throw new StepFailure(`no StatefulSets of ${releases.stores.join(", ")} found in ${ns}`);
        state.replicas ??= Object.fromEntries(found.map((d) => [d.name, d.replicas]));
        state.storeReplicas ??= Object.fromEntries(stores.map((d) => [d.name, d.replicas]));
        await writeState(o.statePath, state);
      }
      await scaleAll("Deployment", state.replicas, () => 0);
      await scaleAll("StatefulSet", state.storeReplicas, () => 0);
      return `scaled ${[...Object.entries(state.replicas), ...Object.entries(state.storeReplicas)].map(([n, r]) => `${n} ${r}->0`).join(", ")}`;
    },
    restore: async (step) => {
      const store = step.store;
      return runRestoreJobs(o.kube, {
        namespace: ns,
        cronJob: restoreCronJob(store),
        release: releases.storeRelease[store],
        snapshot: state.snapshots[store],
        remembered: state.storeReplicas ?? {},
        suffix: o.suffix,
        timeoutMs: jobTimeoutMs,
        onCreated: async (jobs) => {
          state.jobs[store] = jobs;
          await writeState(o.statePath, state);
        }
      });
    },
    verify: async () => {
      const problems = [];
      const done = [];
      for (const store of state.stores) {
        const jobs = state.jobs[store] ?? [];
        if (!jobs.length) problems.push(`${store}: no restore Job is recorded`);
        for (const job of jobs) {
          const outcome = jobOutcome(await o.kube.batch.readNamespacedJob({ name: job, namespace: ns }));
          if (outcome?.status !== "succeeded")
            problems.push(`${store}: its restore Job ${job} did not succeed`);
        }
        const copy = await copyOf(store);
        problems.push(...copy.problems.map((p) => `${store}: ${p}`));
        const counts = Object.entries(copy.manifest.counts).filter(([k]) => !k.includes(".")).map(([k, v]) => `${k} ${v}`).join(", ");
        done.push(
          `${store}: ${plural2(copy.manifest.files.length, "file")} as in the manifest${counts ? ` (${counts})` : ""}`
        );
      }
      problems.push(...await unreadyStores(o.kube, ns, releases.stores));
      if (problems.length) throw new StepFailure(problems.join("; "));
      return done.join("; ");
    },
    migrate: async () => {
      const migration = o.config.backup.migration;
      if (!migration) return "skipped: backup.migration is not configured";
      const job = {
        apiVersion: "batch/v1",
        kind: "Job",
        metadata: {
          name: jobName(`${o.config.name}-migrate`, o.suffix),
          namespace: ns,
          labels: { "app.kubernetes.io/part-of": o.config.name, "release-kit.dev/job": "migrate" }
        },
        spec: {
          backoffLimit: 0,
          template: {
            metadata: { labels: { ...releases.appLabels, "release-kit.dev/job": "migrate" } },
            spec: {
              restartPolicy: "Never",
              containers: [{ name: "migrate", image: migration.image, command: [...migration.command] }]
            }
          }
        }
      };
      const name = await createJob(o.kube, ns, job);
      const outcome = await waitForJob(o.kube, ns, name, { timeoutMs: jobTimeoutMs });
      if (outcome.status === "failed") {
        throw new StepFailure(
          `migration Job ${name} failed${outcome.reason ? ` (${outcome.reason})` : ""}: see kubectl -n ${ns} logs job/${name}`
        );
      }
      return `migration Job ${name} completed`;
    },
    test: async () => {
      const problems = [];
      for (const release of releases.stores) {
        try {
          await o.helm.test({ release, namespace: ns, timeoutSeconds: 300 });
        } catch (e) {
          problems.push(`helm test ${release}: ${e.message}`);
        }
      }
      problems.push(...await unreadyStores(o.kube, ns, releases.stores));
      if (problems.length) throw new StepFailure(problems.join("; "));
      return `helm test passed for ${releases.stores.join(", ")}; every store workload is ready`;
    },
    "start-stores": async () => {
      const replicas = state.storeReplicas ?? {};
      await scaleAll("StatefulSet", replicas, (n) => n);
      return `scaled ${Object.entries(replicas).map(([n, r]) => `${n} 0->${r}`).join(", ")}; all ready`;
    },
    start: async () => {
      const replicas = state.replicas ?? {};
      await scaleAll("Deployment", replicas, (n) => n);
      return `scaled ${Object.entries(replicas).map(([n, r]) => `${n} 0->${r}`).join(", ")}; all ready`;
    }
  };
  let failed;
  for (const step of state.steps) {
    if (step.status === "done" || step.status === "skipped") continue;
    step.startedAt = (o.now?.() ?? /* @__PURE__ */ new Date()).toISOString();
    step.status = "pending";
    delete step.message;
    try {
      const message = await log.group(step.title, () => steps[step.kind](step));
      step.status = message.startsWith("skipped") ? "skipped" : "done";
      step.message = message;
      log.info(`${step.title}: ${message}`);
    } catch (e) {
      if (!(e instanceof StepFailure) && !(e instanceof UserError)) throw e;
      step.status = "failed";
      step.message = e instanceof UserError && e.hint ? `${e.message} (${e.hint})` : e.message;
      log.error(`${step.title} failed: ${step.message}`);
      failed = step;
    }
    step.finishedAt = (o.now?.() ?? /* @__PURE__ */ new Date()).toISOString();
    await writeState(o.statePath, state);
    if (failed) break;
  }
  const stopped = servicesStopped(state);
  if (!failed) {
    state.finished = true;
    await rm(workDir, { recursive: true, force: true });
  } else if (!state.steps.some((s) => s.kind === "stop" && s.status !== "pending")) {
    state.finished = true;
    await rm(workDir, { recursive: true, force: true });
  }
  await writeState(o.statePath, state);
  const canRevert = state.stores.every((s) => state.safetySnapshots[s]) && state.mode === "restore";
  return {
    ok: !failed,
    state,
    statePath: o.statePath,
    stopped,
    ...failed ? { failed } : {},
    ...failed && !state.finished ? { resumeCommand: followUpCommand(state, o.statePath, "resume") } : {},
    ...failed && !state.finished && canRevert ? { revertCommand: followUpCommand(state, o.statePath, "revert") } : {}
  };
}
async function unreadyStores(kube, namespace, releases) {
  const problems = [];
  for (const release of releases) {
    const list = await kube.apps.listNamespacedStatefulSet({
      namespace,
      labelSelector: `app.kubernetes.io/instance=${release}`
    });
    for (const s of list.items) {
      const want = s.spec?.replicas ?? 1;
      const ready = s.status?.readyReplicas ?? 0;
      if (ready < want) problems.push(`StatefulSet ${s.metadata?.name}: ${ready}/${want} pods ready`);
    }
  }
  return problems;
}

export {
  formatPlan,
  stepHeaders,
  stepRows,
  formatReport,
  parseSnapshotSpec,
  defaultStatePath,
  prepareRestore,
  executeRestore
};
