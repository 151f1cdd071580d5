import { createRequire as __rkCreateRequire } from 'node:module'; const require = __rkCreateRequire(import.meta.url);
import {
  UserError
} from "./chunk-2RHX6AK4.js";

// src/actions/shared/inputs.ts
function checkPrometheusUrlInput(url) {
  let protocol;
  try {
    protocol = new URL(url).protocol;
  } catch {
    protocol = void 0;
  }
  if (protocol !== "http:" && protocol !== "https:") {
    throw new UserError(
      `the input 'prometheus-url' is not an http(s) URL: "${url}"`,
      "give the Prometheus base URL as the runner reaches it, e.g. http://prometheus.monitoring:9090, or leave it empty to use monitoring.prometheus.url"
    );
  }
  return url;
}
var isRecord = (v) => typeof v === "object" && v !== null && !Array.isArray(v);
var outcomes = /* @__PURE__ */ new Set(["pass", "fail", "inconclusive"]);
function parseBaselineInput(text) {
  const bad = (what) => new UserError(
    `the input 'baseline' ${what}`,
    "pass the deploy step's `baseline` output unchanged (the output steps.<id>.outputs.baseline of the deploy step), or leave it empty to judge against the absolute thresholds only"
  );
  let json;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw bad(`is not JSON: ${e.message}`);
  }
  if (!isRecord(json)) throw bad("is not a JSON object");
  if (typeof json.takenAt !== "number" || !Number.isFinite(json.takenAt))
    throw bad(`has takenAt ${JSON.stringify(json.takenAt)}, expected a time in milliseconds`);
  if (!isRecord(json.values)) throw bad("has no values object (check id -> number)");
  for (const [check, value] of Object.entries(json.values)) {
    if (typeof value !== "number" || !Number.isFinite(value) || value < 0)
      throw bad(`has values["${check}"] ${JSON.stringify(value)}, expected a number >= 0`);
  }
  if (!Array.isArray(json.measurements)) throw bad("has no measurements list");
  json.measurements.forEach((m, i) => {
    const at = `measurements[${i}]`;
    if (!isRecord(m)) throw bad(`has ${at} that is not an object`);
    if (typeof m.check !== "string" || !m.check) throw bad(`has ${at}.check missing`);
    if (!outcomes.has(m.outcome))
      throw bad(`has ${at}.outcome ${JSON.stringify(m.outcome)}, expected pass, fail or inconclusive`);
    if (typeof m.time !== "number" || typeof m.reason !== "string")
      throw bad(`has ${at} without a time and a reason`);
  });
  return {
    takenAt: json.takenAt,
    values: json.values,
    measurements: json.measurements
  };
}

export {
  checkPrometheusUrlInput,
  parseBaselineInput
};
