import { createRequire as __rkCreateRequire } from 'node:module'; const require = __rkCreateRequire(import.meta.url);
import {
  getOptionalInput,
  setSecret
} from "./chunk-WGIVEVDU.js";
import {
  UserError,
  __toESM,
  require_dist
} from "./chunk-2RHX6AK4.js";

// src/github/kubeconfig.ts
import { chmod, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
var import_yaml = __toESM(require_dist(), 1);
function credentials(users) {
  if (typeof users === "string") return users.length >= 6 ? [users] : [];
  if (Array.isArray(users)) return users.flatMap(credentials);
  if (users && typeof users === "object") return Object.values(users).flatMap(credentials);
  return [];
}
function maskKubeconfig(text, input = "kubeconfig") {
  setSecret(text);
  let doc;
  try {
    doc = (0, import_yaml.parse)(text) ?? void 0;
  } catch {
    doc = void 0;
  }
  for (const secret of credentials(doc?.users)) setSecret(secret);
  if (!Array.isArray(doc?.clusters) || doc.clusters.length === 0) {
    throw new UserError(
      `the input '${input}' is not a kubeconfig (YAML with a clusters list)`,
      "store the whole kubeconfig file as a secret and pass that secret (its content, not a path)"
    );
  }
}
function readKubeconfigInput(input = "kubeconfig") {
  const text = getOptionalInput(input);
  if (text) maskKubeconfig(text, input);
  return text;
}
async function writeKubeconfigFile(content) {
  const dir = await mkdtemp(join(process.env.RUNNER_TEMP || tmpdir(), "release-kit-kube-"));
  const path = join(dir, "kubeconfig");
  await writeFile(path, content, { mode: 384 });
  await chmod(path, 384);
  return { path, remove: () => rm(dir, { recursive: true, force: true }) };
}

export {
  readKubeconfigInput,
  writeKubeconfigFile
};
