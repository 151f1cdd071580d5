import { createRequire as __rkCreateRequire } from 'node:module'; const require = __rkCreateRequire(import.meta.url);
import {
  HelmReleaseNotFoundError,
  computeWaves,
  createHelm,
  createKubeClient
} from "./chunk-FV5WVFBX.js";
import {
  UserError,
  describeError,
  listComponents,
  log,
  parseDuration
} from "./chunk-2RHX6AK4.js";

// src/rollback/report.ts
var stateText = (r) => r.state.known ? `revision ${r.state.revision} ${r.state.status}` : `unknown (${r.state.error})`;
var OUTCOME_TEXT = {
  "rolled-back": "rolled back",
  failed: "FAILED",
  "not-started": "not started"
};
var ROLLBACK_TABLE_HEADERS = [
  "Release",
  "Component",
  "From",
  "To",
  "Outcome",
  "State now",
  "Detail"
];
function rollbackRows(report) {
  return [
    ...report.releases.map((r) => [
      r.release,
      r.component,
      String(r.fromRevision ?? "\u2014"),
      String(r.toRevision),
      OUTCOME_TEXT[r.outcome],
      stateText(r),
      r.error ?? ""
    ]),
    ...report.skipped.map((s) => [s.release, s.component, "\u2014", "\u2014", "skipped", "unchanged", s.reason])
  ];
}
function formatRollbackReport(report) {
  const head = report.outcome === "failed" ? "ROLLBACK FAILED: it stopped at the first failure; the state of every release is below" : report.outcome === "nothing-to-do" ? "rollback: nothing to roll back" : `rolled back ${report.releases.length} release${report.releases.length === 1 ? "" : "s"}`;
  const lines = [`${head} (trigger ${report.trigger}: ${report.reason})`];
  for (const r of report.releases) {
    const revisions = `${r.fromRevision ?? "?"} -> ${r.toRevision}`;
    lines.push(
      `  ${r.release.padEnd(28)} ${revisions.padEnd(9)} ${OUTCOME_TEXT[r.outcome].padEnd(12)} now ${stateText(r)}`
    );
    if (r.error) lines.push(`      ${r.error}`);
  }
  for (const s of report.skipped) lines.push(`  ${s.release.padEnd(28)} skipped: ${s.reason}`);
  return lines.join("\n");
}
var rolledBackReleases = (report) => report?.releases.filter((r) => r.outcome === "rolled-back").map((r) => r.release) ?? [];

// src/util/markdown.ts
var markdownCell = (text) => text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/\|/g, "\\|").replace(/\s*\n\s*/g, " ");
function markdownTable(headers, rows) {
  return [
    `| ${headers.map(markdownCell).join(" | ")} |`,
    `|${headers.map(() => "---").join("|")}|`,
    ...rows.map((r) => `| ${r.map(markdownCell).join(" | ")} |`)
  ].join("\n");
}

// src/verify/judge.ts
var percent = (ratio) => `${(ratio * 100).toFixed(2)}%`;
var perSecond = (rate) => `${Number(rate.toPrecision(3))} req/s`;
function judge(check, observation, settings, baselineValue) {
  if (observation.kind === "unavailable") {
    return { outcome: "inconclusive", reason: observation.reason, query: observation.query };
  }
  if (observation.kind !== check.kind) {
    return {
      outcome: "inconclusive",
      reason: `the measurement source answered check ${check.id} (${check.kind}) with a ${observation.kind} observation`
    };
  }
  switch (observation.kind) {
    case "error_ratio":
      return judgeErrorRatio(observation, settings, baselineValue);
    case "latency":
      return judgeLatency(observation, settings);
    case "kube":
      return judgeKube(observation);
  }
}
function trafficTooLow(requestRate, settings) {
  if (!Number.isFinite(requestRate) || requestRate < settings.minRequestRate) {
    return `traffic ${perSecond(requestRate)} is below verification.min_request_rate ${perSecond(settings.minRequestRate)}: too little to judge`;
  }
  return void 0;
}
function judgeErrorRatio(o, settings, baseline) {
  const base = { value: o.ratio, query: o.query };
  const lowTraffic = trafficTooLow(o.requestRate, settings);
  if (lowTraffic) return { ...base, outcome: "inconclusive", reason: lowTraffic };
  if (!Number.isFinite(o.ratio) || o.ratio < 0) {
    return { ...base, outcome: "inconclusive", reason: `error ratio ${o.ratio} is not a usable number` };
  }
  if (o.ratio > settings.errorRateThreshold) {
    return {
      ...base,
      outcome: "fail",
      reason: `error ratio ${percent(o.ratio)} is above rollback.error_rate_threshold ${percent(settings.errorRateThreshold)}`
    };
  }
  if (baseline !== void 0 && o.ratio > baseline + settings.maxErrorRateIncrease) {
    return {
      ...base,
      outcome: "fail",
      reason: `error ratio ${percent(o.ratio)} rose above the baseline ${percent(baseline)} by more than verification.max_error_rate_increase ${percent(settings.maxErrorRateIncrease)}`
    };
  }
  const note = o.note ? ` (${o.note})` : "";
  const against = baseline === void 0 ? "" : `, baseline ${percent(baseline)}`;
  return { ...base, outcome: "pass", reason: `error ratio ${percent(o.ratio)}${note}${against}` };
}
function judgeLatency(o, settings) {
  const base = { value: o.seconds, query: o.query };
  const lowTraffic = trafficTooLow(o.requestRate, settings);
  if (lowTraffic) return { ...base, outcome: "inconclusive", reason: lowTraffic };
  const limit = settings.latencyThresholdSeconds;
  if (limit === void 0) {
    return { ...base, outcome: "inconclusive", reason: "no verification.latency_threshold is configured" };
  }
  if (Number.isNaN(o.seconds) || o.seconds < 0) {
    return { ...base, outcome: "inconclusive", reason: `latency ${o.seconds} is not a usable number` };
  }
  if (o.seconds > limit) {
    return {
      ...base,
      outcome: "fail",
      reason: `latency ${formatSeconds(o.seconds)} is above verification.latency_threshold ${formatSeconds(limit)}`
    };
  }
  return {
    ...base,
    outcome: "pass",
    reason: `latency ${formatSeconds(o.seconds)} within ${formatSeconds(limit)}`
  };
}
function judgeKube(o) {
  const base = { value: o.readyReplicas, query: o.workload };
  if (o.failingPods.length > 0) {
    const pods = o.failingPods.map((p) => `${p.name} (${p.reason})`).join(", ");
    return { ...base, outcome: "fail", reason: `${o.workload}: failing pods ${pods}` };
  }
  if (o.readyReplicas < o.desiredReplicas) {
    return {
      ...base,
      outcome: "fail",
      reason: `${o.workload}: ${o.readyReplicas}/${o.desiredReplicas} replicas ready`
    };
  }
  return {
    ...base,
    outcome: "pass",
    reason: `${o.workload}: ${o.readyReplicas}/${o.desiredReplicas} replicas ready`
  };
}
var toMeasurement = (check, time, j) => ({
  check: check.id,
  time,
  outcome: j.outcome,
  reason: j.reason,
  ...j.query === void 0 ? {} : { query: j.query },
  ...j.value === void 0 ? {} : { value: j.value }
});
var formatSeconds = (seconds) => seconds < 1 ? `${Number((seconds * 1e3).toPrecision(3))} ms` : `${Number(seconds.toPrecision(3))} s`;

// src/verify/report.ts
var OUTCOME_MARK = {
  pass: "\u2705 pass",
  fail: "\u274C fail",
  inconclusive: "\u26A0\uFE0F inconclusive"
};
var offset = (time, start) => `+${Math.round((time - start) / 1e3)}s`;
function formatValue(check, value) {
  if (value === void 0) return "\u2014";
  if (check?.kind === "error_ratio") return `${Number((value * 100).toFixed(3))}%`;
  if (check?.kind === "latency") return Number.isFinite(value) ? formatSeconds(value) : `${value}s`;
  return String(value);
}
function measurementTables(result) {
  return result.checks.map(({ check, verdict, reason }) => {
    const rows = result.measurements.filter((m) => m.check === check.id);
    const query = rows.find((m) => m.query)?.query;
    const lines = [
      `#### ${check.id}: ${OUTCOME_MARK[verdict]}`,
      "",
      markdownCell(reason),
      "",
      ...query ? [`Query: \`${query.replace(/`/g, "'")}\``, ""] : [],
      markdownTable(
        ["time", "value", "outcome", "reason"],
        rows.length === 0 ? [["\u2014", "\u2014", "\u2014", "not measured"]] : rows.map((m) => [
          offset(m.time, result.startedAt),
          formatValue(check, m.value),
          OUTCOME_MARK[m.outcome],
          m.reason
        ])
      )
    ];
    return lines.join("\n");
  }).join("\n\n");
}
function errorRatioChart(result, thresholdRatio) {
  return result.checks.filter(({ check }) => check.kind === "error_ratio").map(({ check }) => {
    const points = result.measurements.filter(
      (m) => m.check === check.id && m.value !== void 0 && Number.isFinite(m.value)
    );
    if (points.length === 0) return `_${check.id}: no error-ratio values to chart._`;
    const pct2 = (ratio) => Number((ratio * 100).toFixed(3));
    const values = points.map((m) => pct2(m.value));
    const top = Math.max(...values, pct2(thresholdRatio)) * 1.2 || 1;
    const title = `${check.id} error ratio (%) vs threshold ${pct2(thresholdRatio)}%`.replace(/"/g, "'");
    return [
      "```mermaid",
      "xychart-beta",
      `  title "${title}"`,
      `  x-axis "seconds after start" [${points.map((m) => `"${offset(m.time, result.startedAt)}"`).join(", ")}]`,
      `  y-axis "error ratio (%)" 0 --> ${Number(top.toFixed(3))}`,
      `  line [${values.join(", ")}]`,
      `  line [${points.map(() => pct2(thresholdRatio)).join(", ")}]`,
      "```"
    ].join("\n");
  }).join("\n\n");
}

// src/gate/format.ts
var MARK = { pass: "PASS", fail: "FAIL", inconclusive: "INCONCLUSIVE" };
function formatVerification(result) {
  const seconds = Math.round((result.endedAt - result.startedAt) / 1e3);
  const width = Math.max(0, ...result.checks.map((c) => c.check.id.length));
  const lines = [`${MARK[result.verdict]} after ${seconds}s (decision: ${result.decision})`];
  for (const c of result.checks) {
    const n = result.measurements.filter((m) => m.check === c.check.id).length;
    lines.push(`  ${MARK[c.verdict].padEnd(12)} ${c.check.id.padEnd(width)}  ${c.reason} [${n} evaluations]`);
  }
  return lines.join("\n");
}
function verificationMarkdown(title, result, thresholdRatio) {
  const overview = markdownTable(
    ["Check", "Verdict", "Reason"],
    result.checks.map((c) => [c.check.id, MARK[c.verdict], c.reason])
  );
  return [
    `### ${title}: ${MARK[result.verdict]} (decision: ${result.decision})`,
    "",
    markdownCell(result.reason),
    "",
    overview,
    "",
    errorRatioChart(result, thresholdRatio),
    "",
    "<details><summary>Every measurement</summary>",
    "",
    measurementTables(result),
    "",
    "</details>"
  ].join("\n");
}
function formatWaveVerifications(ledger, waves) {
  const count = Math.max(0, ...ledger.releases.map((r) => r.wave));
  const lines = ["Verification per wave:"];
  for (let wave = 1; wave <= count; wave++) {
    const entries = ledger.releases.filter((r) => r.wave === wave);
    const names = entries.map((r) => r.component).join(", ");
    const verified = waves.find((w) => w.wave === wave)?.result;
    let status;
    if (verified) status = `${MARK[verified.verdict]} (decision: ${verified.decision}): ${verified.reason}`;
    else if (entries.some((r) => r.outcome === "failed")) status = "deploy FAILED, not verified";
    else if (entries.every((r) => r.outcome === "not-started")) status = "not started";
    else status = "nothing changed, not verified";
    lines.push(`  wave ${wave} (${names}): ${status}`);
  }
  return lines.join("\n");
}
function rollbackMarkdown(report) {
  return [
    `### Rollback: ${report.outcome} (trigger ${report.trigger})`,
    "",
    markdownCell(report.reason),
    "",
    markdownTable(ROLLBACK_TABLE_HEADERS, rollbackRows(report))
  ].join("\n");
}

// src/rollback/plan.ts
function batchesOf(targets, batchSize) {
  const ordered = [...targets].sort((a, b) => b.wave - a.wave || a.component.localeCompare(b.component));
  const batches = [];
  for (const target of ordered) {
    const last = batches.at(-1);
    if (last && last.length < batchSize && last[0]?.wave === target.wave) last.push(target);
    else batches.push([target]);
  }
  return batches;
}
var rollForwardReason = "listed in rollback.roll_forward_only: its data may have changed shape, so fix it forward with a new deploy";
function planAutomaticRollback(ledger, settings, trigger, reason) {
  const targets = [];
  const skipped = [];
  for (const r of ledger.releases) {
    if (!r.changed) continue;
    const ref2 = { component: r.component, release: r.release };
    if (settings.rollForwardOnly.includes(r.component)) {
      skipped.push({ ...ref2, reason: rollForwardReason });
    } else if (r.previousRevision === null) {
      skipped.push({
        ...ref2,
        reason: "installed by this run: there is no earlier revision to return to (uninstall it by hand if it must go)"
      });
    } else {
      targets.push({
        ...ref2,
        namespace: r.namespace,
        wave: r.wave,
        fromRevision: r.revision,
        toRevision: r.previousRevision
      });
    }
  }
  return { trigger, reason, batches: batchesOf(targets, settings.batchSize), skipped };
}
function parseRevision(text, field) {
  const value = Number(text);
  if (/^\d+$/.test(text.trim()) && Number.isSafeInteger(value) && value > 0) return value;
  throw new UserError(
    `${field}: "${text}" is not a revision number`,
    "give a positive integer, a REVISION column value of `helm history <release>`"
  );
}
function resolveManualComponents(request, releases, settings) {
  const problems = [];
  const names = [...new Set(request.components.map((c) => c.trim()).filter(Boolean))];
  if (!settings.conditions.includes("manual_trigger")) {
    problems.push("rollback.conditions does not list manual_trigger, so manual rollbacks are disabled");
  }
  if (names.length === 0) problems.push("no component named: give at least one");
  const unknown = names.filter((n) => !releases.some((r) => r.component === n));
  if (unknown.length > 0) {
    problems.push(
      `${unknown.map((n) => `"${n}"`).join(", ")} ${unknown.length === 1 ? "is not a component" : "are not components"} of this release (components: ${releases.map((r) => r.component).join(", ")})`
    );
  }
  const frozen = names.filter((n) => settings.rollForwardOnly.includes(n));
  if (frozen.length > 0) {
    problems.push(`${frozen.join(", ")}: ${rollForwardReason}`);
  }
  if (request.toRevision !== void 0 && names.length > 1) {
    problems.push(
      `a revision number belongs to one release, but ${names.length} components were named (${names.join(", ")})`
    );
  }
  if (request.toRevision !== void 0 && !(Number.isSafeInteger(request.toRevision) && request.toRevision > 0)) {
    problems.push(`revision ${request.toRevision} is not a positive integer`);
  }
  if (!request.reason.trim()) problems.push("no reason given: say why, it is kept in the report");
  if (problems.length > 0) throw refusal(problems);
  return names.map((n) => releases.find((r) => r.component === n));
}
var refusal = (problems) => new UserError(
  `rollback refused, nothing was changed: ${problems.join("; ")}`,
  "fix the request and run it again"
);
var WAS_DEPLOYED = /* @__PURE__ */ new Set(["deployed", "superseded"]);
function previousDeployedRevision(history) {
  const latest = history.at(-1);
  if (!latest) return void 0;
  return history.filter((r) => r.revision < latest.revision && WAS_DEPLOYED.has(r.status)).at(-1);
}
function planManualRollback(request, releases, histories, settings) {
  const chosen = resolveManualComponents(request, releases, settings);
  const problems = [];
  const targets = [];
  for (const ref2 of chosen) {
    const history = histories.get(ref2.release) ?? [];
    const latest = history.at(-1);
    if (!latest) {
      problems.push(
        `${ref2.component}: release ${ref2.release} is not installed in namespace ${ref2.namespace}`
      );
      continue;
    }
    if (latest.status.startsWith("pending-")) {
      problems.push(
        `${ref2.component}: release ${ref2.release} is ${latest.status} (revision ${latest.revision}): another helm operation is running or was killed; wait for it, or repair the release first`
      );
      continue;
    }
    let to;
    if (request.toRevision === void 0) {
      to = previousDeployedRevision(history);
      if (!to) {
        problems.push(
          `${ref2.component}: release ${ref2.release} has no earlier deployed revision to return to (history: ${describe(history)})`
        );
        continue;
      }
    } else {
      to = history.find((r) => r.revision === request.toRevision);
      if (!to) {
        problems.push(
          `${ref2.component}: release ${ref2.release} has no revision ${request.toRevision} (history: ${describe(history)})`
        );
        continue;
      }
      if (to.revision === latest.revision) {
        problems.push(
          `${ref2.component}: revision ${to.revision} is already the current revision of ${ref2.release}`
        );
        continue;
      }
    }
    targets.push({ ...ref2, fromRevision: latest.revision, toRevision: to.revision });
  }
  if (problems.length > 0) throw refusal(problems);
  return {
    trigger: "manual_trigger",
    reason: request.reason,
    batches: batchesOf(targets, settings.batchSize),
    skipped: []
  };
}
var describe = (history) => history.map((r) => `${r.revision} ${r.status}`).join(", ") || "empty";

// src/rollback/run.ts
var label = (t) => `${t.release} (${t.component}) ${t.fromRevision ?? "?"} -> ${t.toRevision}`;
async function executeRollback(plan, options) {
  const { helm, clock, settings } = options;
  const startedAt = clock.now();
  const outcomes = /* @__PURE__ */ new Map();
  for (const s of plan.skipped) log.info(`not rolling back ${s.release}: ${s.reason}`);
  let failed = false;
  for (const [i, batch] of plan.batches.entries()) {
    if (failed) break;
    if (i > 0 && settings.pauseMs > 0) {
      log.info(`pausing ${settings.pauseMs / 1e3}s (rollback.settings.pause_time) before the next batch`);
      await clock.sleep(settings.pauseMs);
    }
    log.info(`rolling back batch ${i + 1}/${plan.batches.length}: ${batch.map(label).join(", ")}`);
    const settled = await Promise.allSettled(
      batch.map(
        (t) => helm.rollback({
          release: t.release,
          namespace: t.namespace,
          revision: t.toRevision,
          wait: true,
          timeoutSeconds: settings.timeoutSeconds
        })
      )
    );
    settled.forEach((s, j) => {
      const target = batch[j];
      if (s.status === "fulfilled") {
        outcomes.set(target, { outcome: "rolled-back" });
        log.info(`rolled back ${label(target)}`);
      } else {
        failed = true;
        const error = describeError(s.reason);
        outcomes.set(target, { outcome: "failed", error });
        log.error(`rollback of ${label(target)} failed: ${error}`);
      }
    });
  }
  const targets = plan.batches.flat();
  const states = await Promise.all(targets.map((t) => stateOf(helm, t)));
  const releases = targets.map(
    (t, i) => ({
      ...t,
      ...outcomes.get(t) ?? { outcome: "not-started" },
      state: states[i]
    })
  );
  return {
    trigger: plan.trigger,
    reason: plan.reason,
    outcome: failed ? "failed" : targets.length === 0 ? "nothing-to-do" : "rolled-back",
    releases,
    skipped: plan.skipped,
    startedAt,
    endedAt: clock.now()
  };
}
async function stateOf(helm, t) {
  try {
    const latest = (await helm.history({ release: t.release, namespace: t.namespace })).at(-1);
    if (!latest) return { known: false, error: "helm history is empty" };
    return { known: true, revision: latest.revision, status: latest.status, description: latest.description };
  } catch (e) {
    return { known: false, error: `cannot read helm history: ${describeError(e)}` };
  }
}

// src/rollback/settings.ts
function integer(value, field, min) {
  if (typeof value === "number" && Number.isInteger(value) && value >= min) return value;
  throw new UserError(
    `${field}: ${JSON.stringify(value)} is not an integer >= ${min}`,
    `set ${field} in the release config`
  );
}
function rollbackSettings(config) {
  const s = config.rollback?.settings;
  const at = "rollback.settings";
  return {
    timeoutSeconds: integer(s?.timeout, `${at}.timeout`, 1),
    batchSize: integer(s?.batch_size, `${at}.batch_size`, 1),
    pauseMs: integer(s?.pause_time, `${at}.pause_time`, 0) * 1e3,
    rollForwardOnly: [...config.rollback?.roll_forward_only ?? []],
    conditions: [...config.rollback?.conditions ?? []]
  };
}

// src/rollback/manual.ts
function configReleases(config, namespace = config.namespace) {
  return computeWaves(listComponents(config)).flatMap(
    (names, i) => names.map((component) => ({ component, release: `${config.name}-${component}`, namespace, wave: i + 1 }))
  );
}
async function planManual(config, request, helm, namespace) {
  const settings = rollbackSettings(config);
  const releases = configReleases(config, namespace);
  const chosen = resolveManualComponents(request, releases, settings);
  const histories = /* @__PURE__ */ new Map();
  await Promise.all(
    chosen.map(async (r) => {
      histories.set(r.release, await historyOrEmpty(helm, r));
    })
  );
  return planManualRollback(request, releases, histories, settings);
}
async function historyOrEmpty(helm, r) {
  try {
    return await helm.history({ release: r.release, namespace: r.namespace });
  } catch (e) {
    if (e instanceof HelmReleaseNotFoundError) return [];
    throw e;
  }
}

// src/verify/settings.ts
function positiveDuration(text, field) {
  const ms = parseDuration(text, field);
  if (ms > 0) return ms;
  throw new UserError(
    `${field}: ${JSON.stringify(text)} is not a positive duration`,
    "give a duration longer than 0, e.g. 30s or 5m"
  );
}
function number(value, field, rule) {
  const ok = typeof value === "number" && Number.isFinite(value) && value >= rule.min && (rule.max === void 0 || value <= rule.max) && (!rule.integer || Number.isInteger(value));
  if (ok) return value;
  const kind = rule.integer ? "an integer" : "a number";
  const range = rule.max === void 0 ? `>= ${rule.min}` : `between ${rule.min} and ${rule.max}`;
  throw new UserError(
    `${field}: ${JSON.stringify(value)} is not ${kind} ${range}`,
    `set ${field} in the release config`
  );
}
function verificationSettings(config) {
  const hc = config.deployment?.health_check ?? {};
  const v = config.verification ?? {};
  const rollback = config.rollback ?? {};
  const at = "deployment.health_check";
  const seconds = (value, field, min) => number(value, field, { min }) * 1e3;
  const settings = {
    initialDelayMs: seconds(hc.initial_delay, `${at}.initial_delay`, 0),
    periodMs: seconds(hc.period, `${at}.period`, 1),
    timeoutMs: seconds(hc.timeout, `${at}.timeout`, 1),
    successThreshold: number(hc.success_threshold, `${at}.success_threshold`, { min: 1, integer: true }),
    failureThreshold: number(hc.failure_threshold, `${at}.failure_threshold`, { min: 1, integer: true }),
    windowMs: positiveDuration(v.window, "verification.window"),
    errorRateThreshold: number(rollback.error_rate_threshold, "rollback.error_rate_threshold", {
      min: 0,
      max: 1
    }),
    maxErrorRateIncrease: number(v.max_error_rate_increase, "verification.max_error_rate_increase", {
      min: 0,
      max: 1
    }),
    minRequestRate: number(v.min_request_rate, "verification.min_request_rate", { min: 0 }),
    onInconclusive: v.on_inconclusive,
    rollbackOn: [...rollback.conditions ?? []]
  };
  if (!["rollback", "hold", "fail"].includes(settings.onInconclusive)) {
    throw new UserError(
      `verification.on_inconclusive: ${JSON.stringify(v.on_inconclusive)} is not a policy`,
      "use rollback, hold or fail"
    );
  }
  if (v.latency_threshold !== void 0) {
    settings.latencyThresholdSeconds = positiveDuration(v.latency_threshold, "verification.latency_threshold") / 1e3;
  }
  if (settings.timeoutMs > settings.periodMs) {
    throw new UserError(
      `${at}.timeout (${hc.timeout}s) is longer than ${at}.period (${hc.period}s)`,
      "a measurement must finish before the next one starts: lower the timeout or raise the period"
    );
  }
  const needed = Math.max(settings.failureThreshold, settings.successThreshold);
  const lastNeededAt = settings.initialDelayMs + (needed - 1) * settings.periodMs;
  if (settings.windowMs < lastNeededAt) {
    throw new UserError(
      `verification.window (${v.window}) is shorter than initial_delay + (max(failure_threshold, success_threshold) - 1) * period = ${lastNeededAt / 1e3}s: a check could never reach its threshold`,
      `make verification.window at least ${lastNeededAt / 1e3}s or shorten ${at}`
    );
  }
  return settings;
}
function verifiedJobs(config) {
  const prometheus = config.monitoring?.prometheus;
  const jobs = (prometheus?.scrape_configs ?? []).map((s) => s.job_name);
  return [.../* @__PURE__ */ new Set([...jobs, ...Object.keys(prometheus?.queries ?? {})])];
}
function prometheusChecks(config) {
  const latency = config.verification?.latency_threshold !== void 0;
  return verifiedJobs(config).flatMap((job) => [
    { id: `${job}:error_ratio`, kind: "error_ratio", job },
    ...latency ? [{ id: `${job}:latency`, kind: "latency", job }] : []
  ]);
}
var kubeCheck = (workload) => ({ id: `kube:${workload}`, kind: "kube", workload });

// src/verify/engine.ts
var triggerOf = (check) => check.kind === "error_ratio" ? "error_rate_threshold" : "health_check_failed";
async function observe(source, check, clock, timeoutMs) {
  const stop = new AbortController();
  const timedOut = clock.sleep(timeoutMs, stop.signal).then(
    () => ({
      kind: "unavailable",
      cause: "timeout",
      reason: `no answer within deployment.health_check.timeout (${timeoutMs / 1e3}s)`
    }),
    () => new Promise(() => {
    })
    // aborted because the measurement won the race
  );
  const measured = source.measure(check, { timeoutMs, signal: stop.signal }).catch(
    (e) => ({
      kind: "unavailable",
      cause: "error",
      reason: `measuring failed: ${e instanceof Error ? e.message : String(e)}`
    })
  );
  try {
    return await Promise.race([measured, timedOut]);
  } finally {
    stop.abort();
  }
}
async function runVerification(input) {
  const { settings, checks, source, clock, baseline } = input;
  const startedAt = clock.now();
  const measurements = [];
  const states = new Map(
    checks.map((c) => [c.id, { consecutiveFailures: 0, consecutiveSuccesses: 0 }])
  );
  const finish = (results) => summarize(results, measurements, settings, startedAt, clock.now());
  if (checks.length === 0) {
    return finish([]);
  }
  for (let due = startedAt + settings.initialDelayMs; due <= startedAt + settings.windowMs; due += settings.periodMs) {
    const wait = due - clock.now();
    if (wait > 0) await clock.sleep(wait);
    const time = clock.now();
    const observations = await Promise.all(
      checks.map((check) => observe(source, check, clock, settings.timeoutMs))
    );
    checks.forEach((check, i) => {
      const state = states.get(check.id);
      const m = toMeasurement(
        check,
        time,
        judge(check, observations[i], settings, baseline?.values[check.id])
      );
      measurements.push(m);
      state.last = m;
      if (m.outcome === "pass") {
        state.consecutiveFailures = 0;
        state.consecutiveSuccesses += 1;
      } else {
        state.consecutiveSuccesses = 0;
        if (m.outcome === "fail") state.consecutiveFailures += 1;
        if (state.consecutiveFailures >= settings.failureThreshold) state.failedBy ??= m;
      }
    });
    if (checks.some((c) => states.get(c.id)?.failedBy)) break;
  }
  return finish(checks.map((check) => checkResult(check, states.get(check.id), settings)));
}
function checkResult(check, state, settings) {
  if (state.failedBy) {
    return {
      check,
      verdict: "fail",
      trigger: triggerOf(check),
      reason: `${settings.failureThreshold} consecutive failing evaluations; last: ${state.failedBy.reason}`
    };
  }
  if (!state.last) {
    return { check, verdict: "inconclusive", reason: "never evaluated: the window ended first" };
  }
  if (state.consecutiveSuccesses >= settings.successThreshold) {
    return { check, verdict: "pass", reason: state.last.reason };
  }
  if (state.last.outcome === "pass") {
    return {
      check,
      verdict: "inconclusive",
      reason: `only ${state.consecutiveSuccesses} of ${settings.successThreshold} required consecutive successes at the end of the window`
    };
  }
  if (state.last.outcome === "fail") {
    return {
      check,
      verdict: "inconclusive",
      reason: `still failing at the end of the window (${state.consecutiveFailures} of ${settings.failureThreshold} failures): ${state.last.reason}`
    };
  }
  return { check, verdict: "inconclusive", reason: `last evaluation inconclusive: ${state.last.reason}` };
}
function summarize(checks, measurements, settings, startedAt, endedAt) {
  const failed = checks.filter((c) => c.verdict === "fail");
  const unsure = checks.filter((c) => c.verdict === "inconclusive");
  let verdict;
  let reason;
  if (failed.length > 0) {
    verdict = "fail";
    reason = failed.map((c) => `${c.check.id}: ${c.reason}`).join("; ");
  } else if (checks.length === 0) {
    verdict = "inconclusive";
    reason = "there was nothing to verify (no checks)";
  } else if (unsure.length > 0) {
    verdict = "inconclusive";
    reason = unsure.map((c) => `${c.check.id}: ${c.reason}`).join("; ");
  } else {
    verdict = "pass";
    reason = `all ${checks.length} checks passed`;
  }
  const triggers = failed.flatMap((c) => c.trigger ? [c.trigger] : []);
  return {
    verdict,
    decision: decide(verdict, settings.onInconclusive, triggers, settings.rollbackOn),
    reason,
    startedAt,
    endedAt,
    checks,
    measurements
  };
}
function decide(verdict, onInconclusive, triggers, rollbackOn) {
  if (verdict === "pass") return "proceed";
  if (verdict === "inconclusive") return onInconclusive;
  return triggers.some((t) => rollbackOn.includes(t)) ? "rollback" : "fail";
}

// src/verify/baseline.ts
async function captureBaseline(input) {
  const { settings, checks, source, clock } = input;
  const takenAt = clock.now();
  const observations = await Promise.all(
    checks.map((check) => observe(source, check, clock, settings.timeoutMs))
  );
  const values = {};
  const measurements = checks.map((check, i) => {
    const judgement = judge(check, observations[i], settings);
    if (judgement.outcome !== "inconclusive" && judgement.value !== void 0)
      values[check.id] = judgement.value;
    return toMeasurement(check, takenAt, judgement);
  });
  return { takenAt, values, measurements };
}

// src/verify/clock.ts
import { setTimeout as delay } from "node:timers/promises";
var systemClock = {
  now: () => Date.now(),
  sleep: (ms, signal) => delay(ms, void 0, signal ? { signal } : void 0)
};

// src/kube/workloads.ts
var FAILING_WAITING = /* @__PURE__ */ new Set([
  "CrashLoopBackOff",
  "ImagePullBackOff",
  "ErrImagePull",
  "InvalidImageName",
  "CreateContainerConfigError",
  "CreateContainerError",
  "RunContainerError"
]);
function failingReason(pod) {
  if (pod.status?.phase === "Failed") return pod.status.reason ?? "Failed";
  for (const c of [...pod.status?.initContainerStatuses ?? [], ...pod.status?.containerStatuses ?? []]) {
    const waiting = c.state?.waiting?.reason;
    if (waiting && FAILING_WAITING.has(waiting)) return waiting;
    const last = c.lastState?.terminated?.reason;
    if (last === "OOMKilled" && (c.restartCount ?? 0) > 0) return "OOMKilled";
  }
  return void 0;
}
function kubeSignalOf(kind, workload, pods) {
  const name = workload.metadata?.name ?? "";
  const status = workload.status;
  const current = status?.observedGeneration === void 0 || workload.metadata?.generation === void 0 || status.observedGeneration >= workload.metadata.generation;
  const ready = current ? Math.min(status?.readyReplicas ?? 0, status?.updatedReplicas ?? 0) : 0;
  const failingPods = pods.flatMap((pod) => {
    const reason = failingReason(pod);
    return reason ? [{ name: pod.metadata?.name ?? "", reason }] : [];
  });
  return {
    kind: "kube",
    workload: `${kind}/${name}`,
    desiredReplicas: workload.spec?.replicas ?? 1,
    readyReplicas: ready,
    failingPods
  };
}
function matchesSelector(labels, selector) {
  if (!selector) return false;
  const own = labels ?? {};
  const plain = Object.entries(selector.matchLabels ?? {}).every(([k, v]) => own[k] === v);
  return plain && (selector.matchExpressions ?? []).every((e) => {
    const has = Object.hasOwn(own, e.key);
    const value = own[e.key];
    switch (e.operator) {
      case "In":
        return has && (e.values ?? []).includes(value);
      case "NotIn":
        return !has || !(e.values ?? []).includes(value);
      case "Exists":
        return has;
      case "DoesNotExist":
        return !has;
      default:
        return false;
    }
  });
}
function parseWorkloadId(id) {
  const m = /^(Deployment|StatefulSet)\/([a-z0-9][-a-z0-9.]*)$/.exec(id);
  if (!m) {
    throw new UserError(`"${id}" does not name a workload`, "write Deployment/<name> or StatefulSet/<name>");
  }
  return { kind: m[1], name: m[2] };
}
var instanceLabel = "app.kubernetes.io/instance";
function signalFromSnapshot(snapshot, id) {
  const { kind, name } = parseWorkloadId(id);
  const all = kind === "Deployment" ? snapshot.deployments : snapshot.statefulSets;
  const workload = all.find((w) => w.metadata?.name === name);
  if (!workload) {
    return {
      kind: "kube",
      workload: id,
      desiredReplicas: 1,
      readyReplicas: 0,
      failingPods: [{ name: id, reason: "NotFound" }]
    };
  }
  const pods = snapshot.pods.filter((p) => matchesSelector(p.metadata?.labels, workload.spec?.selector));
  return kubeSignalOf(kind, workload, pods);
}
function workloadReader(client, namespace, options = {}) {
  const maxAgeMs = options.maxAgeMs ?? 500;
  const now = options.now ?? Date.now;
  let cached;
  const snapshot = () => {
    if (cached && now() - cached.at <= maxAgeMs) return cached.snapshot;
    const taking = Promise.all([
      client.apps.listNamespacedDeployment({ namespace }),
      client.apps.listNamespacedStatefulSet({ namespace }),
      client.core.listNamespacedPod({ namespace })
    ]).then(([d, s, p]) => ({ deployments: d.items, statefulSets: s.items, pods: p.items }));
    cached = { at: now(), snapshot: taking };
    taking.catch(() => {
      if (cached?.snapshot === taking) cached = void 0;
    });
    return taking;
  };
  return {
    async list(releases) {
      const s = await snapshot();
      const refs = [
        ...s.deployments.map((w) => ref("Deployment", w)),
        ...s.statefulSets.map((w) => ref("StatefulSet", w))
      ].filter((r) => releases.includes(r.release));
      return refs.sort((a, b) => a.id.localeCompare(b.id));
    },
    async signal(id) {
      return signalFromSnapshot(await snapshot(), id);
    }
  };
}
function ref(kind, w) {
  const name = w.metadata?.name ?? "";
  return { id: `${kind}/${name}`, kind, name, release: w.metadata?.labels?.[instanceLabel] ?? "" };
}

// src/prometheus/client.ts
import { setTimeout as delay2 } from "node:timers/promises";
var RETRYABLE_STATUS = /* @__PURE__ */ new Set([502, 503, 504]);
function sampleValue(raw) {
  if (raw === "+Inf") return Number.POSITIVE_INFINITY;
  if (raw === "-Inf") return Number.NEGATIVE_INFINITY;
  if (raw === "NaN") return Number.NaN;
  if (typeof raw !== "string" || raw.trim() === "") return void 0;
  const n = Number(raw);
  return Number.isNaN(n) ? void 0 : n;
}
var isRecord = (v) => typeof v === "object" && v !== null && !Array.isArray(v);
var excerpt = (text) => {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > 120 ? `${flat.slice(0, 120)}\u2026` : flat || "(empty body)";
};
function samplePair(pair) {
  if (!Array.isArray(pair) || pair.length !== 2 || typeof pair[0] !== "number") return void 0;
  const value = sampleValue(pair[1]);
  return value === void 0 ? void 0 : { time: pair[0], value };
}
function badShape(what) {
  return { kind: "bad_response", message: `unexpected answer from Prometheus: ${what}` };
}
function instantOutcome(data) {
  const { resultType, result } = data;
  if (resultType === "scalar") {
    const s2 = samplePair(result);
    if (!s2) return badShape("malformed scalar");
    return Number.isNaN(s2.value) ? { kind: "nan" } : { kind: "value", value: s2.value };
  }
  if (resultType !== "vector")
    return badShape(`result type ${String(resultType)}, expected a vector or scalar`);
  if (!Array.isArray(result)) return badShape("vector result is not a list");
  if (result.length === 0) return { kind: "empty" };
  if (result.length > 1) return { kind: "ambiguous", series: result.length };
  const first = result[0];
  const s = isRecord(first) ? samplePair(first.value) : void 0;
  if (!s) return badShape("malformed vector sample");
  return Number.isNaN(s.value) ? { kind: "nan" } : { kind: "value", value: s.value };
}
function rangeOutcome(data) {
  if (data.resultType !== "matrix" || !Array.isArray(data.result)) {
    return badShape(`result type ${String(data.resultType)}, expected a matrix`);
  }
  if (data.result.length === 0) return { kind: "empty" };
  const series = [];
  for (const entry of data.result) {
    if (!isRecord(entry) || !isRecord(entry.metric) || !Array.isArray(entry.values))
      return badShape("malformed series");
    const points = entry.values.map(samplePair);
    if (points.some((p) => p === void 0)) return badShape("malformed series sample");
    series.push({
      labels: entry.metric,
      points
    });
  }
  return { kind: "matrix", series };
}
function transportMessage(e) {
  const cause = e instanceof Error ? e.cause : void 0;
  const message = cause?.message || (e instanceof Error ? e.message : String(e));
  return cause?.code && !message.includes(cause.code) ? `${cause.code}: ${message}` : message;
}
function createPrometheusClient(options) {
  let base;
  try {
    base = new URL(options.url);
  } catch {
    base = new URL("invalid:");
  }
  if (base.protocol !== "http:" && base.protocol !== "https:") {
    throw new UserError(
      `monitoring.prometheus.url: "${options.url}" is not an http(s) URL`,
      "write the Prometheus base URL, e.g. http://prometheus.monitoring:9090"
    );
  }
  const root = options.url.replace(/\/+$/, "");
  const timeoutMs = options.timeoutMs ?? 5e3;
  const retries = options.retries ?? 2;
  const backoffMs = options.backoffMs ?? 200;
  async function call(path, form, callerSignal) {
    const deadline = AbortSignal.timeout(timeoutMs);
    const signal = callerSignal ? AbortSignal.any([deadline, callerSignal]) : deadline;
    const timedOut = { kind: "timeout", timeoutMs };
    let failure = timedOut;
    for (let attempt = 0; attempt <= retries; attempt++) {
      if (attempt > 0) {
        try {
          await delay2(backoffMs * 2 ** (attempt - 1), void 0, { signal });
        } catch {
          return timedOut;
        }
      }
      let status;
      let body;
      try {
        const response = await fetch(`${root}${path}`, {
          method: "POST",
          headers: { "content-type": "application/x-www-form-urlencoded", accept: "application/json" },
          body: new URLSearchParams(form),
          signal
        });
        status = response.status;
        body = await response.text();
      } catch (e) {
        if (signal.aborted) return timedOut;
        failure = {
          kind: "unreachable",
          message: `cannot reach Prometheus at ${root}: ${transportMessage(e)}`
        };
        continue;
      }
      let json;
      try {
        json = JSON.parse(body);
      } catch {
        json = void 0;
      }
      if (status < 200 || status >= 300) {
        const explained = isRecord(json) && typeof json.error === "string" ? `${json.errorType}: ${json.error}` : void 0;
        failure = { kind: "http_error", status, message: explained ?? `HTTP ${status}: ${excerpt(body)}` };
        if (RETRYABLE_STATUS.has(status)) continue;
        return failure;
      }
      if (json === void 0)
        return { kind: "bad_response", message: `response is not JSON: ${excerpt(body)}` };
      if (!isRecord(json) || json.status !== "success" || !isRecord(json.data)) {
        const said = isRecord(json) && typeof json.error === "string" ? `: ${json.error}` : "";
        return badShape(`status ${isRecord(json) ? String(json.status) : typeof json}${said}`);
      }
      return { data: json.data };
    }
    return failure;
  }
  return {
    url: root,
    async query(promql, opts = {}) {
      const form = { query: promql };
      if (opts.time !== void 0) form.time = String(opts.time / 1e3);
      const answer = await call("/api/v1/query", form, opts.signal);
      return "data" in answer ? instantOutcome(answer.data) : answer;
    },
    async queryRange(promql, opts) {
      const form = {
        query: promql,
        start: String(opts.start / 1e3),
        end: String(opts.end / 1e3),
        step: String(opts.stepSeconds)
      };
      const answer = await call("/api/v1/query_range", form, opts.signal);
      return "data" in answer ? rangeOutcome(answer.data) : answer;
    }
  };
}
function describeOutcome(outcome) {
  switch (outcome.kind) {
    case "value":
      return `value ${outcome.value}`;
    case "matrix":
      return `${outcome.series.length} series`;
    case "empty":
      return "no data (the query matched no series)";
    case "nan":
      return "NaN (nothing to divide: no requests in the window)";
    case "ambiguous":
      return `${outcome.series} series where one number was expected (aggregate the query, e.g. with sum)`;
    case "http_error":
      return `Prometheus answered HTTP ${outcome.status}: ${outcome.message}`;
    case "bad_response":
      return outcome.message;
    case "timeout":
      return `Prometheus did not answer within ${outcome.timeoutMs / 1e3}s`;
    case "unreachable":
      return outcome.message;
  }
}

// src/prometheus/queries.ts
var defaultMetricNames = {
  requests: "http_requests_total",
  codeLabel: "code",
  latencyHistogram: "http_request_duration_seconds"
};
var defaultLatencyQuantile = 0.99;
var METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
var LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
var PROMQL_DURATION = /^(\d+(ms|s|m|h|d|w|y))+$/;
var literal = (value) => `"${value.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;
var requestRateQuery = (job, window, m = defaultMetricNames) => `sum(rate(${m.requests}{job=${literal(job)}}[${window}]))`;
var errorRatioQuery = (job, window, m = defaultMetricNames) => `sum(rate(${m.requests}{job=${literal(job)}, ${m.codeLabel}=~"5.."}[${window}])) / ${requestRateQuery(job, window, m)}`;
var latencyQuery = (job, window, quantile, m = defaultMetricNames) => `histogram_quantile(${quantile}, sum by (le) (rate(${m.latencyHistogram}_bucket{job=${literal(job)}}[${window}])))`;
function substitute(query, job, window) {
  const escapedJob = job.replace(/\\/g, "\\\\").replace(/"/g, '\\"');
  return query.replace(/\$job\b/g, escapedJob).replace(/\$window\b/g, window);
}
function tierQueries(job, options, field = "monitoring.prometheus") {
  const metrics = options.metrics ?? defaultMetricNames;
  const quantile = options.quantile ?? defaultLatencyQuantile;
  if (!job) throw new UserError(`${field}: a scrape job name is empty`, "give every scrape job a job_name");
  if (!PROMQL_DURATION.test(options.window)) {
    throw new UserError(
      `verification.rate_window: "${options.window}" is not a PromQL duration`,
      "use a duration such as 30s, 1m or 5m (at least 4 scrape intervals)"
    );
  }
  if (!(quantile > 0 && quantile < 1)) {
    throw new UserError(
      `verification.latency_quantile: ${quantile} is not between 0 and 1`,
      "use e.g. 0.99 for the 99th percentile"
    );
  }
  const defaults = {
    job,
    requestRate: requestRateQuery(job, options.window, metrics),
    errorRatio: errorRatioQuery(job, options.window, metrics),
    latency: latencyQuery(job, options.window, quantile, metrics)
  };
  const own = (key) => {
    const query = options.overrides?.[key];
    if (query === void 0) return void 0;
    if (typeof query !== "string" || query.trim() === "") {
      throw new UserError(
        `${field}.queries.${job}.${key}: the query is empty`,
        "write a PromQL expression or remove the key"
      );
    }
    return substitute(query, job, options.window);
  };
  return {
    job,
    requestRate: own("request_rate") ?? defaults.requestRate,
    errorRatio: own("error_ratio") ?? defaults.errorRatio,
    latency: own("latency") ?? defaults.latency
  };
}
function metricNames(config) {
  const given = config.monitoring?.prometheus?.metrics ?? {};
  const names = {
    requests: given.requests ?? defaultMetricNames.requests,
    codeLabel: given.code_label ?? defaultMetricNames.codeLabel,
    latencyHistogram: given.latency_histogram ?? defaultMetricNames.latencyHistogram
  };
  const check = (value, key, rule, what) => {
    if (typeof value !== "string" || !rule.test(value)) {
      throw new UserError(
        `monitoring.prometheus.metrics.${key}: ${JSON.stringify(value)} is not a valid ${what}`,
        `${what}s are letters, digits and underscores${rule === METRIC_NAME ? " (and colons)" : ""}, not starting with a digit`
      );
    }
  };
  check(names.requests, "requests", METRIC_NAME, "metric name");
  check(names.latencyHistogram, "latency_histogram", METRIC_NAME, "metric name");
  check(names.codeLabel, "code_label", LABEL_NAME, "label name");
  return names;
}
function tierQueriesFromConfig(config, jobs) {
  const metrics = metricNames(config);
  const overrides = config.monitoring?.prometheus?.queries ?? {};
  const window = String(config.verification?.rate_window);
  const quantile = config.verification?.latency_quantile;
  return Object.fromEntries(
    jobs.map((job) => [job, tierQueries(job, { window, quantile, metrics, overrides: overrides[job] })])
  );
}

// src/prometheus/source.ts
var unavailable = (outcome, query, context) => ({
  kind: "unavailable",
  cause: outcome.kind === "empty" ? "no_data" : outcome.kind,
  reason: `${context}: ${describeOutcome(outcome)}`,
  query
});
function prometheusSource(client, queries) {
  return {
    async measure(check, { signal }) {
      if (check.kind === "kube") {
        return { kind: "unavailable", cause: "error", reason: "Prometheus cannot measure rollout health" };
      }
      const q = queries[check.job];
      if (!q) {
        return {
          kind: "unavailable",
          cause: "error",
          reason: `no queries are defined for job "${check.job}"`
        };
      }
      const own = check.kind === "error_ratio" ? q.errorRatio : q.latency;
      const [rate, value] = await Promise.all([
        client.query(q.requestRate, { signal }),
        client.query(own, { signal })
      ]);
      const traffic = `request rate of job "${check.job}"`;
      if (rate.kind !== "value") {
        return unavailable(
          rate,
          q.requestRate,
          rate.kind === "empty" ? `no request series for job "${check.job}"` : traffic
        );
      }
      const what = check.kind === "error_ratio" ? "error ratio" : "latency";
      if (value.kind === "empty" && check.kind === "error_ratio" && rate.value > 0) {
        return { kind: "error_ratio", ratio: 0, requestRate: rate.value, query: own, note: "no 5xx series" };
      }
      if ((value.kind === "empty" || value.kind === "nan") && rate.value === 0) {
        return {
          kind: "unavailable",
          cause: "no_traffic",
          reason: `job "${check.job}" served no requests in the window (request rate 0)`,
          query: own
        };
      }
      if (value.kind !== "value") return unavailable(value, own, `${what} of job "${check.job}"`);
      return check.kind === "error_ratio" ? { kind: "error_ratio", ratio: value.value, requestRate: rate.value, query: own } : { kind: "latency", seconds: value.value, requestRate: rate.value, query: own };
    }
  };
}

// src/gate/outcome.ts
var EXIT_FAIL = 3;
var EXIT_INCONCLUSIVE = 4;
var EXIT_ROLLBACK_FAILED = 2;
function gateOutcome(verification, rollback, afterRollback) {
  const verdictExit = verification.verdict === "fail" ? EXIT_FAIL : EXIT_INCONCLUSIVE;
  const why = `${verification.verdict}: ${verification.reason}`;
  if (rollback?.outcome === "failed") {
    const failed = rollback.releases.filter((r) => r.outcome === "failed").map((r) => r.release);
    return {
      outcome: "rollback-failed",
      exitCode: EXIT_ROLLBACK_FAILED,
      summary: `verification ${why}; the rollback FAILED at ${failed.join(", ")} and stopped: check the state of each release`
    };
  }
  if (rollback) {
    const back = rollback.releases.filter((r) => r.outcome === "rolled-back").map((r) => r.release);
    const after = afterRollback ? `; after the rollback verification ${afterRollback.verdict === "pass" ? "passed" : `is ${afterRollback.verdict}: ${afterRollback.reason}`}` : "";
    const what = back.length > 0 ? `rolled back ${back.join(", ")}` : "nothing could be rolled back";
    return { outcome: "rolled-back", exitCode: verdictExit, summary: `verification ${why}; ${what}${after}` };
  }
  switch (verification.decision) {
    case "proceed":
      return { outcome: "passed", exitCode: 0, summary: `verification passed: ${verification.reason}` };
    case "hold":
      return {
        outcome: "held",
        exitCode: EXIT_INCONCLUSIVE,
        summary: `verification ${why}; held (verification.on_inconclusive: hold): the release stays as it is for a person to decide`
      };
    case "fail":
      return {
        outcome: "failed",
        exitCode: EXIT_FAIL,
        summary: `verification ${why}; no automatic rollback (${verification.verdict === "fail" ? "the failed checks match no enabled rollback.conditions" : "verification.on_inconclusive: fail"})`
      };
    case "rollback":
      return {
        outcome: "rollback-required",
        exitCode: verdictExit,
        summary: `verification ${why}; a rollback is due: run \`release-kit rollback --ledger <file>\` (or deploy with --auto-rollback)`
      };
  }
}

// src/gate/sources.ts
function kubeSource(reader) {
  return {
    async measure(check) {
      if (check.kind !== "kube") {
        return {
          kind: "unavailable",
          cause: "error",
          reason: `the cluster cannot measure a ${check.kind} check`
        };
      }
      return reader.signal(check.workload);
    }
  };
}
function routedSource(sources) {
  return {
    measure(check, context) {
      const source = sources[check.kind];
      if (!source) {
        return Promise.resolve({
          kind: "unavailable",
          cause: "error",
          reason: `no measurement source is configured for ${check.kind} checks`
        });
      }
      return source.measure(check, context);
    }
  };
}
var pct = (ratio) => `${(ratio * 100).toFixed(2)}%`;
function brief(check, o) {
  if (o instanceof Error) return `${check.id} ? (${o.message})`;
  switch (o.kind) {
    case "error_ratio":
      return `${check.id} ${pct(o.ratio)} of ${Number(o.requestRate.toPrecision(3))} req/s`;
    case "latency":
      return `${check.id} ${formatSeconds(o.seconds)}`;
    case "kube":
      return o.failingPods.length > 0 ? `${o.workload} ${o.readyReplicas}/${o.desiredReplicas} (${o.failingPods.map((p) => p.reason).join(", ")})` : `${o.workload} ${o.readyReplicas}/${o.desiredReplicas}`;
    case "unavailable":
      return `${check.id} ? (${o.cause})`;
  }
}
function progressSource(source, clock, write) {
  const startedAt = clock.now();
  let current;
  const flush = (round) => {
    round.items.sort((a, b) => a.index - b.index);
    const kube = round.items.filter((r) => r.check.kind === "kube");
    const healthy = kube.filter(
      (r) => !(r.observed instanceof Error) && r.observed.kind === "kube" && r.observed.failingPods.length === 0 && r.observed.readyReplicas >= r.observed.desiredReplicas
    );
    const parts = round.items.filter((r) => r.check.kind !== "kube" || !healthy.includes(r)).map((r) => brief(r.check, r.observed));
    if (kube.length > 0) parts.push(`${healthy.length}/${kube.length} workloads ready`);
    write(`+${Math.round((round.at - startedAt) / 1e3)}s  ${parts.join(" | ")}`);
  };
  const done = (round, index, check, observed) => {
    round.items.push({ index, check, observed });
    if (!round.open && round.items.length === round.pending) flush(round);
  };
  return {
    async measure(check, context) {
      if (!current) {
        const round2 = { at: clock.now(), open: true, pending: 0, items: [] };
        current = round2;
        setImmediate(() => {
          round2.open = false;
          current = void 0;
          if (round2.items.length === round2.pending) flush(round2);
        });
      }
      const round = current;
      const index = round.pending;
      round.pending += 1;
      try {
        const observed = await source.measure(check, context);
        done(round, index, check, observed);
        return observed;
      } catch (e) {
        done(round, index, check, e instanceof Error ? e : new Error(String(e)));
        throw e;
      }
    }
  };
}

// src/gate/gate.ts
function prometheusUrlOf(ctx) {
  const url = ctx.prometheusUrl ?? ctx.config.monitoring?.prometheus?.url;
  if (!url) {
    throw new UserError(
      "no Prometheus to ask: monitoring.prometheus.url is not set",
      "set monitoring.prometheus.url in the release config, or pass --prometheus-url (CLI) / prometheus-url (action)"
    );
  }
  return url;
}
async function prepareVerification(ctx, releases, measureJob = () => true) {
  const { config } = ctx;
  const settings = verificationSettings(config);
  const queries = tierQueriesFromConfig(config, verifiedJobs(config));
  const clock = ctx.clock ?? systemClock;
  const prometheus = createPrometheusClient({ url: prometheusUrlOf(ctx), timeoutMs: settings.timeoutMs });
  const reader = workloadReader(createKubeClient(ctx.kubeconfig), ctx.namespace ?? config.namespace);
  let workloads;
  try {
    workloads = await reader.list(releases);
  } catch (e) {
    throw new UserError(
      `cannot list the workloads of ${releases.join(", ")}: ${e.message}`,
      "check that the kubeconfig reaches the cluster and may list Deployments and StatefulSets in the namespace"
    );
  }
  const missing = releases.filter((r) => !workloads.some((w) => w.release === r));
  if (missing.length > 0) log.warn(`no Deployment or StatefulSet found for ${missing.join(", ")}`);
  const checks = [
    ...prometheusChecks(config).filter((c) => c.kind !== "kube" && measureJob(c.job)),
    ...workloads.map((w) => kubeCheck(w.id))
  ];
  const source = routedSource({
    error_ratio: prometheusSource(prometheus, queries),
    latency: prometheusSource(prometheus, queries),
    kube: kubeSource(reader)
  });
  return { settings, checks, clock, source: progressSource(source, clock, (l) => log.info(l)) };
}
async function captureGateBaseline(ctx, releases) {
  const p = await prepareVerification(ctx, releases);
  return log.group("Baseline before the deploy", async () => {
    const baseline = await captureBaseline({ ...p, settings: p.settings });
    const kept = Object.keys(baseline.values).length;
    log.info(`baseline: ${kept} of ${p.checks.length} checks gave a usable value`);
    return baseline;
  });
}
async function verifyReleases(ctx, releases, options = {}) {
  const p = await prepareVerification(ctx, releases, options.measureJob);
  const settings = options.adjust ? options.adjust(p.settings) : p.settings;
  const title = options.title ?? "Verification";
  return log.group(title, async () => {
    log.info(
      `${p.checks.length} checks every ${settings.periodMs / 1e3}s for ${settings.windowMs / 1e3}s (first after ${settings.initialDelayMs / 1e3}s; fail after ${settings.failureThreshold} consecutive failures)`
    );
    const result = await runVerification({ ...p, settings, baseline: options.baseline });
    log.info(`verdict ${result.verdict}, decision ${result.decision}: ${result.reason}`);
    return result;
  });
}
function settingsAfterRollback(settings, rateWindowMs) {
  const initialDelayMs = Math.max(settings.initialDelayMs, rateWindowMs);
  const needed = Math.max(settings.failureThreshold, settings.successThreshold);
  const windowMs = Math.max(settings.windowMs, initialDelayMs + (needed - 1) * settings.periodMs);
  return { ...settings, initialDelayMs, windowMs };
}
function releasesToVerify(ledger) {
  if (ledger.dryRun) {
    throw new UserError(
      `the ledger of run ${ledger.runId} records a dry run: nothing was deployed, so there is nothing to verify`,
      "verify after a real deploy, or without --ledger to verify every release of the config"
    );
  }
  return ledger.releases.filter((r) => r.revision !== null).map((r) => r.release);
}
async function verifyWave(ctx, ledger, wave, baseline) {
  const releases = wave.releases.map((r) => r.release);
  return verifyReleases({ ...ctx, namespace: ctx.namespace ?? ledger.namespace }, releases, {
    baseline,
    title: `Verification of wave ${wave.index} (${wave.releases.map((r) => r.component).join(", ")})`,
    measureJob: tierRunning(ledger)
  });
}
function tierRunning(ledger) {
  const components = new Map(
    ledger.releases.map((r) => [r.component, r.revision !== null || r.previousRevision !== null])
  );
  return (job) => components.get(job) ?? true;
}
async function runGate(input) {
  const ctx = { ...input, namespace: input.namespace ?? input.ledger.namespace };
  const verification = await verifyReleases(ctx, releasesToVerify(input.ledger), {
    baseline: input.baseline,
    title: "Verification after the deploy"
  });
  return concludeGate(input, verification);
}
async function concludeGate(input, verification) {
  const ctx = { ...input, namespace: input.namespace ?? input.ledger.namespace };
  const releases = releasesToVerify(input.ledger);
  const rollback = rollbackSettings(input.config);
  if (verification.decision !== "rollback" || !input.autoRollback) {
    return { verification, ...gateOutcome(verification) };
  }
  const trigger = verification.verdict === "fail" ? verification.checks.find(
    (c) => c.verdict === "fail" && c.trigger && rollback.conditions.includes(c.trigger)
  )?.trigger ?? "health_check_failed" : "inconclusive_policy";
  const plan = planAutomaticRollback(input.ledger, rollback, trigger, verification.reason);
  const helm = input.helm ?? await createHelm({ binary: input.helmBinary, kubeconfig: input.kubeconfig });
  const report = await log.group(
    "Automatic rollback",
    () => executeRollback(plan, { helm, clock: ctx.clock ?? systemClock, settings: rollback })
  );
  if (report.outcome === "failed") {
    return { verification, rollback: report, ...gateOutcome(verification, report) };
  }
  const rateWindowMs = parseDuration(input.config.verification?.rate_window, "verification.rate_window");
  const afterRollback = await verifyReleases(ctx, releases, {
    baseline: input.baseline,
    title: "Verification after the rollback",
    adjust: (s) => settingsAfterRollback(s, rateWindowMs)
  });
  return {
    verification,
    rollback: report,
    afterRollback,
    ...gateOutcome(verification, report, afterRollback)
  };
}

// src/gate/ledger-file.ts
import { readFile } from "node:fs/promises";
var isRecord2 = (v) => typeof v === "object" && v !== null && !Array.isArray(v);
var isRevision = (v) => v === null || typeof v === "number" && Number.isInteger(v) && v > 0;
function parseLedger(json, file) {
  const bad = (where, what) => new UserError(
    `${file}: ${where} ${what}`,
    "pass the ledger file written by `release-kit deploy` (or the deploy action) of this run"
  );
  if (!isRecord2(json)) throw bad("the file", "is not a JSON object");
  if (json.version !== 1) throw bad("version", `is ${JSON.stringify(json.version)}, expected 1`);
  if (typeof json.namespace !== "string" || !json.namespace) throw bad("namespace", "is missing");
  if (!Array.isArray(json.releases)) throw bad("releases", "is not a list");
  json.releases.forEach((r, i) => {
    const at = `releases[${i}]`;
    if (!isRecord2(r)) throw bad(at, "is not an object");
    for (const key of ["component", "release", "namespace"]) {
      if (typeof r[key] !== "string" || !r[key]) throw bad(`${at}.${key}`, "is missing");
    }
    if (!(typeof r.wave === "number" && Number.isInteger(r.wave) && r.wave >= 1))
      throw bad(`${at}.wave`, `is ${JSON.stringify(r.wave)}, expected an integer >= 1`);
    if (!isRevision(r.previousRevision))
      throw bad(
        `${at}.previousRevision`,
        `is ${JSON.stringify(r.previousRevision)}, expected a revision or null`
      );
    if (!isRevision(r.revision))
      throw bad(`${at}.revision`, `is ${JSON.stringify(r.revision)}, expected a revision or null`);
    if (typeof r.changed !== "boolean") throw bad(`${at}.changed`, "is not true or false");
  });
  return json;
}
async function readLedger(file) {
  let text;
  try {
    text = await readFile(file, "utf8");
  } catch (e) {
    const code = e.code;
    throw new UserError(
      `cannot read the ledger ${file}: ${code === "ENOENT" ? "no such file" : e.message}`,
      "pass the ledger file written by `release-kit deploy` (or the deploy action) of this run"
    );
  }
  let json;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new UserError(
      `${file} is not JSON: ${e.message}`,
      "pass the ledger file written by `release-kit deploy`, unmodified"
    );
  }
  return parseLedger(json, file);
}

// src/gate/steps.ts
var verdictExitCode = (result) => result.verdict === "pass" ? 0 : result.verdict === "fail" ? 3 : 4;
async function runVerify(ctx, ledger, baseline) {
  const releases = ledger ? releasesToVerify(ledger) : configReleases(ctx.config).map((r) => r.release);
  const result = await verifyReleases({ ...ctx, namespace: ctx.namespace ?? ledger?.namespace }, releases, {
    baseline,
    title: ledger ? `Verification of deploy run ${ledger.runId}` : "Verification"
  });
  return { result, exitCode: verdictExitCode(result) };
}
function checkMode(input) {
  const hasComponents = (input.components?.length ?? 0) > 0;
  if (input.ledger && hasComponents) {
    throw new UserError(
      "both a ledger and components were given",
      "roll back either what one deploy run changed (ledger) or the components you name, not both"
    );
  }
  if (!input.ledger && !hasComponents) {
    throw new UserError(
      "nothing to roll back: neither a ledger nor components were given",
      "pass --ledger FILE (what a deploy run changed) or --components a,b (CLI); ledger or components (action)"
    );
  }
  if (input.ledger && input.toRevision !== void 0) {
    throw new UserError(
      "a target revision goes with one named component, not with a ledger",
      "a ledger rollback returns each release to the revision it had before that run"
    );
  }
  return input.ledger ? "ledger" : "components";
}
async function runRollback(input) {
  const mode = checkMode(input);
  const settings = rollbackSettings(input.config);
  const clock = input.clock ?? systemClock;
  const rateWindowMs = parseDuration(input.config.verification?.rate_window, "verification.rate_window");
  const helm = input.helm ?? await createHelm({ binary: input.helmBinary, kubeconfig: input.kubeconfig });
  const namespace = input.namespace ?? input.ledger?.namespace;
  const plan = mode === "ledger" ? planAutomaticRollback(
    input.ledger,
    settings,
    "manual_trigger",
    input.reason?.trim() || `rollback of deploy run ${input.ledger.runId}`
  ) : await planManual(
    input.config,
    { components: input.components ?? [], toRevision: input.toRevision, reason: input.reason ?? "" },
    helm,
    namespace
  );
  const rollback = await log.group("Rollback", () => executeRollback(plan, { helm, clock, settings }));
  if (rollback.outcome === "failed") return { rollback, exitCode: 2 };
  const released = rollback.releases.map((r) => r.release);
  if (input.skipVerify || released.length === 0) {
    if (input.skipVerify) log.info("verification after the rollback skipped (skip-verify)");
    return { rollback, exitCode: 0 };
  }
  const verification = await verifyReleases({ ...input, namespace, clock }, released, {
    title: "Verification after the rollback",
    adjust: (s) => settingsAfterRollback(s, rateWindowMs)
  });
  return { rollback, verification, exitCode: verdictExitCode(verification) };
}

export {
  formatRollbackReport,
  rolledBackReleases,
  markdownTable,
  formatVerification,
  verificationMarkdown,
  formatWaveVerifications,
  rollbackMarkdown,
  parseRevision,
  prometheusChecks,
  captureGateBaseline,
  verifyWave,
  runGate,
  concludeGate,
  readLedger,
  runVerify,
  runRollback
};
