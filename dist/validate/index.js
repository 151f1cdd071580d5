import { createRequire as __rkCreateRequire } from 'node:module'; const require = __rkCreateRequire(import.meta.url);
import {
  error,
  getOptionalInput,
  info,
  runAction,
  setOutput,
  summaryTable,
  writeSummary
} from "../chunks/chunk-WGIVEVDU.js";
import {
  ConfigValidationError,
  UserError,
  listComponents,
  loadReleaseConfig
} from "../chunks/chunk-2RHX6AK4.js";

// src/github/annotations.ts
import { isAbsolute, relative } from "node:path";
function workspacePath(file, workspace = process.env.GITHUB_WORKSPACE) {
  if (!workspace || !isAbsolute(file)) return file;
  const inside = relative(workspace, file);
  return inside.startsWith("..") || isAbsolute(inside) ? file : inside;
}
function annotateProblems(problems, title) {
  for (const p of problems) {
    const where = p.path ? `${p.path}: ` : "";
    const hint = p.hint ? ` (${p.hint})` : "";
    error(`${where}${p.message}${hint}`, {
      title,
      file: workspacePath(p.file),
      startLine: p.line,
      startColumn: p.column
    });
  }
}

// src/actions/validate.ts
function readValidateSettings() {
  return {
    config: getOptionalInput("config") ?? "release.yaml",
    environment: getOptionalInput("environment")
  };
}
async function validate() {
  const settings = readValidateSettings();
  let config;
  try {
    config = await loadReleaseConfig(settings.config, { environment: settings.environment });
  } catch (e) {
    if (!(e instanceof ConfigValidationError)) throw e;
    annotateProblems(e.problems, "release configuration");
    await summarizeProblems(settings, e.problems);
    const n = e.problems.length;
    throw new UserError(
      `${settings.config} has ${n} problem${n === 1 ? "" : "s"}`,
      "each is annotated at its line; run `release-kit validate` locally to list them"
    );
  }
  setOutput("config-json", JSON.stringify(config));
  info(
    `${settings.config} is valid${settings.environment ? ` for environment ${settings.environment}` : ""}`
  );
  await summarizeRelease(settings, config);
}
function summarizeProblems(settings, problems) {
  return writeSummary(
    (s) => s.addHeading(`Release configuration: ${problems.length} problem${problems.length === 1 ? "" : "s"}`, 2).addTable(
      summaryTable(
        ["Location", "Path", "Problem", "What to do"],
        problems.map((p) => [
          `${workspacePath(p.file)}:${p.line}:${p.column}`,
          p.path,
          p.message,
          p.hint ?? ""
        ])
      )
    ).addRaw(`Environment: ${settings.environment ?? "base and every environment"}`, true)
  );
}
function summarizeRelease(settings, config) {
  const image = (name, kind) => kind === "service" ? config.services[name]?.image ?? "" : kind === "store" ? config.stores[name]?.image ?? "" : config.gateway.image;
  return writeSummary(
    (s) => s.addHeading(`Release configuration ${config.name} is valid`, 2).addRaw(`Namespace ${config.namespace}, environment ${settings.environment ?? "(base)"}.`, true).addTable(
      summaryTable(
        ["Component", "Kind", "Image", "Depends on"],
        listComponents(config).map((c) => [
          c.name,
          c.external ? `${c.kind} (external)` : c.kind,
          image(c.name, c.kind),
          c.depends_on.join(", ")
        ])
      )
    )
  );
}
await runAction(validate);
export {
  readValidateSettings
};
