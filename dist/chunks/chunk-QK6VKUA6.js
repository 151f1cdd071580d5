import { createRequire as __rkCreateRequire } from 'node:module'; const require = __rkCreateRequire(import.meta.url);
import {
  ApiException,
  HelmReleaseNotFoundError,
  execa,
  planRelease
} from "./chunk-FV5WVFBX.js";
import {
  UserError,
  __commonJS,
  __toESM,
  log,
  require_applicator,
  require_codegen,
  require_core,
  require_core2,
  require_discriminator,
  require_dist,
  require_dist2,
  require_format,
  require_metadata,
  require_ref_error,
  require_validate,
  require_validation,
  require_validation_error
} from "./chunk-2RHX6AK4.js";

// node_modules/ajv/dist/vocabularies/draft7.js
var require_draft7 = __commonJS({
  "node_modules/ajv/dist/vocabularies/draft7.js"(exports) {
    "use strict";
    Object.defineProperty(exports, "__esModule", { value: true });
    var core_1 = require_core2();
    var validation_1 = require_validation();
    var applicator_1 = require_applicator();
    var format_1 = require_format();
    var metadata_1 = require_metadata();
    var draft7Vocabularies = [
      core_1.default,
      validation_1.default,
      (0, applicator_1.default)(),
      format_1.default,
      metadata_1.metadataVocabulary,
      metadata_1.contentVocabulary
    ];
    exports.default = draft7Vocabularies;
  }
});

// node_modules/ajv/dist/refs/json-schema-draft-07.json
var require_json_schema_draft_07 = __commonJS({
  "node_modules/ajv/dist/refs/json-schema-draft-07.json"(exports, module) {
    module.exports = {
      $schema: "http://json-schema.org/draft-07/schema#",
      $id: "http://json-schema.org/draft-07/schema#",
      title: "Core schema meta-schema",
      definitions: {
        schemaArray: {
          type: "array",
          minItems: 1,
          items: { $ref: "#" }
        },
        nonNegativeInteger: {
          type: "integer",
          minimum: 0
        },
        nonNegativeIntegerDefault0: {
          allOf: [{ $ref: "#/definitions/nonNegativeInteger" }, { default: 0 }]
        },
        simpleTypes: {
          enum: ["array", "boolean", "integer", "null", "number", "object", "string"]
        },
        stringArray: {
          type: "array",
          items: { type: "string" },
          uniqueItems: true,
          default: []
        }
      },
      type: ["object", "boolean"],
      properties: {
        $id: {
          type: "string",
          format: "uri-reference"
        },
        $schema: {
          type: "string",
          format: "uri"
        },
        $ref: {
          type: "string",
          format: "uri-reference"
        },
        $comment: {
          type: "string"
        },
        title: {
          type: "string"
        },
        description: {
          type: "string"
        },
        default: true,
        readOnly: {
          type: "boolean",
          default: false
        },
        examples: {
          type: "array",
          items: true
        },
        multipleOf: {
          type: "number",
          exclusiveMinimum: 0
        },
        maximum: {
          type: "number"
        },
        exclusiveMaximum: {
          type: "number"
        },
        minimum: {
          type: "number"
        },
        exclusiveMinimum: {
          type: "number"
        },
        maxLength: { $ref: "#/definitions/nonNegativeInteger" },
        minLength: { $ref: "#/definitions/nonNegativeIntegerDefault0" },
        pattern: {
          type: "string",
          format: "regex"
        },
        additionalItems: { $ref: "#" },
        items: {
          anyOf: [{ $ref: "#" }, { $ref: "#/definitions/schemaArray" }],
          default: true
        },
        maxItems: { $ref: "#/definitions/nonNegativeInteger" },
        minItems: { $ref: "#/definitions/nonNegativeIntegerDefault0" },
        uniqueItems: {
          type: "boolean",
          default: false
        },
        contains: { $ref: "#" },
        maxProperties: { $ref: "#/definitions/nonNegativeInteger" },
        minProperties: { $ref: "#/definitions/nonNegativeIntegerDefault0" },
        required: { $ref: "#/definitions/stringArray" },
        additionalProperties: { $ref: "#" },
        definitions: {
          type: "object",
          additionalProperties: { $ref: "#" },
          default: {}
        },
        properties: {
          type: "object",
          additionalProperties: { $ref: "#" },
          default: {}
        },
        patternProperties: {
          type: "object",
          additionalProperties: { $ref: "#" },
          propertyNames: { format: "regex" },
          default: {}
        },
        dependencies: {
          type: "object",
          additionalProperties: {
            anyOf: [{ $ref: "#" }, { $ref: "#/definitions/stringArray" }]
          }
        },
        propertyNames: { $ref: "#" },
        const: true,
        enum: {
          type: "array",
          items: true,
          minItems: 1,
          uniqueItems: true
        },
        type: {
          anyOf: [
            { $ref: "#/definitions/simpleTypes" },
            {
              type: "array",
              items: { $ref: "#/definitions/simpleTypes" },
              minItems: 1,
              uniqueItems: true
            }
          ]
        },
        format: { type: "string" },
        contentMediaType: { type: "string" },
        contentEncoding: { type: "string" },
        if: { $ref: "#" },
        then: { $ref: "#" },
        else: { $ref: "#" },
        allOf: { $ref: "#/definitions/schemaArray" },
        anyOf: { $ref: "#/definitions/schemaArray" },
        oneOf: { $ref: "#/definitions/schemaArray" },
        not: { $ref: "#" }
      },
      default: true
    };
  }
});

// node_modules/ajv/dist/ajv.js
var require_ajv = __commonJS({
  "node_modules/ajv/dist/ajv.js"(exports, module) {
    "use strict";
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.MissingRefError = exports.ValidationError = exports.CodeGen = exports.Name = exports.nil = exports.stringify = exports.str = exports._ = exports.KeywordCxt = exports.Ajv = void 0;
    var core_1 = require_core();
    var draft7_1 = require_draft7();
    var discriminator_1 = require_discriminator();
    var draft7MetaSchema = require_json_schema_draft_07();
    var META_SUPPORT_DATA = ["/properties"];
    var META_SCHEMA_ID = "http://json-schema.org/draft-07/schema";
    var Ajv2 = class extends core_1.default {
      _addVocabularies() {
        super._addVocabularies();
        draft7_1.default.forEach((v) => this.addVocabulary(v));
        if (this.opts.discriminator)
          this.addKeyword(discriminator_1.default);
      }
      _addDefaultMetaSchema() {
        super._addDefaultMetaSchema();
        if (!this.opts.meta)
          return;
        const metaSchema = this.opts.$data ? this.$dataMetaSchema(draft7MetaSchema, META_SUPPORT_DATA) : draft7MetaSchema;
        this.addMetaSchema(metaSchema, META_SCHEMA_ID, false);
        this.refs["http://json-schema.org/schema"] = META_SCHEMA_ID;
      }
      defaultMeta() {
        return this.opts.defaultMeta = super.defaultMeta() || (this.getSchema(META_SCHEMA_ID) ? META_SCHEMA_ID : void 0);
      }
    };
    exports.Ajv = Ajv2;
    module.exports = exports = Ajv2;
    module.exports.Ajv = Ajv2;
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.default = Ajv2;
    var validate_1 = require_validate();
    Object.defineProperty(exports, "KeywordCxt", { enumerable: true, get: function() {
      return validate_1.KeywordCxt;
    } });
    var codegen_1 = require_codegen();
    Object.defineProperty(exports, "_", { enumerable: true, get: function() {
      return codegen_1._;
    } });
    Object.defineProperty(exports, "str", { enumerable: true, get: function() {
      return codegen_1.str;
    } });
    Object.defineProperty(exports, "stringify", { enumerable: true, get: function() {
      return codegen_1.stringify;
    } });
    Object.defineProperty(exports, "nil", { enumerable: true, get: function() {
      return codegen_1.nil;
    } });
    Object.defineProperty(exports, "Name", { enumerable: true, get: function() {
      return codegen_1.Name;
    } });
    Object.defineProperty(exports, "CodeGen", { enumerable: true, get: function() {
      return codegen_1.CodeGen;
    } });
    var validation_error_1 = require_validation_error();
    Object.defineProperty(exports, "ValidationError", { enumerable: true, get: function() {
      return validation_error_1.default;
    } });
    var ref_error_1 = require_ref_error();
    Object.defineProperty(exports, "MissingRefError", { enumerable: true, get: function() {
      return ref_error_1.default;
    } });
  }
});

// src/util/text.ts
var lastLines = (text, n = 5) => String(text ?? "").trim().split("\n").slice(-n).join("; ");

// src/backup/restic-output.ts
var fail = (what, detail) => {
  throw new Error(`restic printed ${what} release-kit does not understand: ${detail}`);
};
function object(value, what) {
  if (typeof value !== "object" || value === null || Array.isArray(value)) fail(what, JSON.stringify(value));
  return value;
}
function field(o, name, type, what) {
  const v = o[name];
  if (typeof v !== type) fail(what, `field ${name} is ${JSON.stringify(v)}, expected a ${type}`);
  return v;
}
function parseBackupSummary(stdout) {
  const lines = stdout.split("\n").filter((l) => l.includes('"message_type":"summary"'));
  const last = lines.at(-1);
  if (!last) return fail("a backup without a summary line", stdout.slice(-500));
  const o = object(JSON.parse(last), "a backup summary");
  const n = (name) => field(o, name, "number", "a backup summary");
  return {
    snapshotId: field(o, "snapshot_id", "string", "a backup summary"),
    filesNew: n("files_new"),
    filesChanged: n("files_changed"),
    filesUnmodified: n("files_unmodified"),
    dataAdded: n("data_added"),
    totalFilesProcessed: n("total_files_processed"),
    totalBytesProcessed: n("total_bytes_processed"),
    durationSeconds: n("total_duration")
  };
}
function toSnapshot(value) {
  const o = object(value, "a snapshot");
  const s = (name) => field(o, name, "string", "a snapshot");
  const time = new Date(s("time"));
  if (Number.isNaN(time.getTime())) fail("a snapshot", `time ${s("time")}`);
  const strings = (name) => {
    const v = o[name] ?? [];
    if (!Array.isArray(v) || v.some((x) => typeof x !== "string")) fail("a snapshot", `${name} ${v}`);
    return v;
  };
  return {
    id: s("id"),
    shortId: s("short_id"),
    time,
    paths: strings("paths"),
    hostname: s("hostname"),
    tags: strings("tags"),
    ...typeof o.parent === "string" ? { parent: o.parent } : {}
  };
}
function parseSnapshots(stdout) {
  const v = JSON.parse(stdout || "[]");
  if (!Array.isArray(v)) return fail("a snapshot list", stdout.slice(0, 200));
  return v.map(toSnapshot).sort((a, b) => a.time.getTime() - b.time.getTime());
}
function parseForget(stdout) {
  const text = stdout.trim();
  if (!text) return [];
  const v = JSON.parse(text);
  if (!Array.isArray(v)) return fail("a forget result", text.slice(0, 200));
  return v.map((g) => {
    const o = object(g, "a forget group");
    return {
      tags: Array.isArray(o.tags) ? o.tags : [],
      keep: Array.isArray(o.keep) ? o.keep.map(toSnapshot) : [],
      remove: Array.isArray(o.remove) ? o.remove.map(toSnapshot) : []
    };
  });
}
var checkNoise = [
  /^using temporary cache/,
  /^create exclusive lock/,
  /^load indexes/,
  /^check all packs/,
  /^check snapshots, trees and blobs/,
  /^read .* of data packs/,
  /^read group #/,
  /^\[\d+:\d+\]/,
  /^no errors were found/,
  /^Fatal: repository contains errors/
];
function parseCheckFindings(output) {
  return output.split("\n").map((l) => l.trim()).filter((l) => l && !checkNoise.some((re) => re.test(l))).map((l) => {
    const mismatch = /^Pack ID does not match, want ([0-9a-f]+), got ([0-9a-f]+)/.exec(l);
    if (mismatch)
      return `pack data/${mismatch[1]?.slice(0, 2)}/${mismatch[1]} is corrupted: its content hashes to ${mismatch[2]?.slice(0, 12)}\u2026, not to its name`;
    return l;
  });
}
function parseDiffStatistics(stdout) {
  const line = stdout.split("\n").find((l) => l.includes('"message_type":"statistics"'));
  if (!line) return fail("a diff without a statistics line", stdout.slice(-500));
  const o = object(JSON.parse(line), "diff statistics");
  const added = object(o.added, "diff statistics");
  const removed = object(o.removed, "diff statistics");
  return {
    addedFiles: field(added, "files", "number", "diff statistics"),
    addedBytes: field(added, "bytes", "number", "diff statistics"),
    removedBytes: field(removed, "bytes", "number", "diff statistics")
  };
}

// src/backup/restic.ts
var resticTime = (d) => d.toISOString().slice(0, 19).replace("T", " ");
var Restic = class {
  constructor(options) {
    this.options = options;
  }
  options;
  get repository() {
    return this.options.repository;
  }
  exec(args, cwd) {
    const { binary = "restic", repository, password, cacheDir, env } = this.options;
    log.debug(`restic ${args.join(" ")}`);
    return execa(binary, args, {
      cwd,
      reject: false,
      all: true,
      env: {
        ...env,
        RESTIC_REPOSITORY: repository,
        RESTIC_PASSWORD: password,
        ...cacheDir ? { RESTIC_CACHE_DIR: cacheDir } : {},
        // restic reads --time and prints snapshot times in the local zone: pin it.
        TZ: "UTC"
      }
    });
  }
  async run(args, what, cwd) {
    const result = await this.exec(args, cwd);
    if (result.failed) throw this.failure(what, result.stderr || String(result.message), result.exitCode);
    return result.stdout;
  }
  failure(what, stderr, exitCode) {
    const repo = this.options.repository;
    if (/wrong password or no key found/.test(stderr)) {
      return new UserError(
        `restic ${what} failed: the password does not open repository ${repo}`,
        "check RESTIC_PASSWORD (the secret named by backup.repository.password_secret)"
      );
    }
    if (/unable to open config file|Is there a repository at the following location/.test(stderr)) {
      return new UserError(
        `restic ${what} failed: there is no restic repository at ${repo}`,
        "check backup.repository.url, or initialise the repository once with `restic init`"
      );
    }
    if (/repository is already locked/.test(stderr)) {
      return new UserError(
        `restic ${what} failed: repository ${repo} is locked by another restic process`,
        "wait for the other backup/prune to finish; if it died, remove the stale lock with `restic unlock`"
      );
    }
    const detail = lastLines(stderr);
    return new Error(`restic ${what} failed (exit ${exitCode ?? "signal"}) on ${repo}: ${detail}`);
  }
  async init() {
    await this.run(["init"], "init");
  }
  /** Backs up the contents of `dir` (restic records its absolute path) as one snapshot. */
  async backup(dir, o) {
    const args = ["backup", "--json", "--host", o.host, ...o.tags.flatMap((t) => ["--tag", t])];
    if (o.time) args.push("--time", resticTime(o.time));
    if (o.parent) args.push("--parent", o.parent);
    if (o.force) args.push("--force");
    args.push(".");
    return parseBackupSummary(await this.run(args, "backup", dir));
  }
  /** Snapshots carrying all `tags` (all snapshots without), oldest first. */
  async snapshots(tags = []) {
    const args = ["snapshots", "--json"];
    if (tags.length) args.push("--tag", tags.join(","));
    return parseSnapshots(await this.run(args, "snapshots"));
  }
  /** One snapshot by (short) id, or a UserError naming the id. */
  async snapshot(id) {
    const found = (await this.snapshots()).filter((s) => s.id.startsWith(id));
    if (found.length !== 1 || !found[0]) {
      throw new UserError(
        `snapshot ${id} ${found.length ? "is ambiguous" : "does not exist"} in ${this.repository}`,
        "list the snapshots with `restic snapshots` and give a full id"
      );
    }
    return found[0];
  }
  async forget(o) {
    const args = ["forget", "--json", "--tag", o.tags.join(","), "--group-by", o.groupBy];
    if (o.keepDaily !== void 0) args.push("--keep-daily", String(o.keepDaily));
    if (o.keepWeekly !== void 0) args.push("--keep-weekly", String(o.keepWeekly));
    if (o.dryRun) args.push("--dry-run");
    return parseForget(await this.run(args, "forget"));
  }
  /** Deletes the data no snapshot references any more. */
  async prune() {
    await this.run(["prune"], "prune");
  }
  /**
   * Checks the repository's structure and, with `readDataSubset` (`10%`, `1/5`, `100%`), re-reads that
   * share of the pack files to find corrupted data. A damaged repository is a result, not an exception.
   */
  async check(readDataSubset) {
    const args = ["check", ...readDataSubset ? ["--read-data-subset", readDataSubset] : []];
    const result = await this.exec(args);
    const findings = parseCheckFindings(result.all ?? "");
    if (result.exitCode === 0) return { ok: true, findings: [] };
    if (!/repository contains errors/.test(result.stderr)) {
      throw this.failure("check", result.stderr || String(result.message), result.exitCode);
    }
    return { ok: false, findings: findings.length ? findings : ["restic reported errors without details"] };
  }
  /** What snapshot `to` added over snapshot `from` (files and bytes of new data blobs). */
  async diff(from, to) {
    return parseDiffStatistics(await this.run(["diff", "--json", from, to], "diff"));
  }
  /** Extracts a snapshot under `target` (restic recreates the snapshot's absolute path there). */
  async restore(snapshotId, target) {
    await this.run(["restore", snapshotId, "--target", target], "restore");
  }
};

// src/backup/pipeline/scope.ts
var environmentLabel = (config) => config.namespace;
var backupCronJob = (store) => `${store}-backup`;
var restoreCronJob = (store) => `${store}-restore`;
function selectStores(config, only) {
  const inCluster = Object.entries(config.stores).filter(([, s]) => !s.external).map(([name]) => name).sort();
  if (!only?.length) return inCluster;
  const unknown = only.filter((s) => !inCluster.includes(s));
  if (unknown.length) {
    const external = unknown.filter((s) => config.stores[s]?.external);
    throw new UserError(
      `store ${unknown.map((s) => `"${s}"`).join(", ")} ${external.length === unknown.length ? "is managed (external): its provider backs it up, release-kit does not" : "is not an in-cluster store of the configuration"}`,
      `choose from: ${inCluster.join(", ") || "(none)"}`
    );
  }
  return [...new Set(only)].sort();
}
var parseList = (text) => text?.split(",").map((s) => s.trim()).filter(Boolean);
function repositoryFromEnvironment(config, env, resticBinary) {
  const repository = env.RESTIC_REPOSITORY || config.backup.repository.url;
  const password = env.RESTIC_PASSWORD;
  if (!password) {
    throw new UserError(
      "RESTIC_PASSWORD is not set",
      `export the repository password (the secret ${config.backup.repository.password_secret} holds it) as RESTIC_PASSWORD`
    );
  }
  const passthrough = Object.fromEntries(
    Object.entries(env).filter(
      (e) => e[1] !== void 0 && /^(AWS_|B2_|AZURE_|GOOGLE_|RESTIC_CACHE_DIR$|OS_)/.test(e[0])
    )
  );
  return new Restic({
    repository,
    password,
    env: passthrough,
    ...resticBinary ? { binary: resticBinary } : {},
    ...env.RESTIC_CACHE_DIR ? { cacheDir: env.RESTIC_CACHE_DIR } : {}
  });
}

// src/backup/pipeline/config.ts
var import_yaml = __toESM(require_dist(), 1);
import { copyFile, mkdir as mkdir3, mkdtemp, rm as rm3, writeFile as writeFile3 } from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, join as join3 } from "node:path";

// src/backup/restore-snapshot.ts
import { randomBytes } from "node:crypto";
import { mkdir, readdir as readdir2, rename, rm, rmdir } from "node:fs/promises";
import { dirname } from "node:path";

// src/backup/files.ts
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { readdir, readFile, stat, writeFile } from "node:fs/promises";
import { join, relative, sep } from "node:path";
import { pipeline } from "node:stream/promises";

// src/backup/manifest.ts
var import_ajv = __toESM(require_ajv(), 1);
var manifestFileName = "manifest.json";
var stageMarker = ".release-kit-stage";
var manifestSchema = {
  type: "object",
  required: ["format", "store", "environment", "kind", "type", "createdAt", "versions", "files", "counts"],
  properties: {
    format: { const: 1 },
    store: { type: "string", minLength: 1 },
    environment: { type: "string", minLength: 1 },
    kind: { enum: ["data", "config"] },
    type: { enum: ["incremental", "full"] },
    createdAt: { type: "string" },
    versions: { type: "object", additionalProperties: { type: "string" } },
    files: {
      type: "array",
      items: {
        type: "object",
        required: ["path", "size", "sha256"],
        properties: {
          path: { type: "string", minLength: 1 },
          size: { type: "integer", minimum: 0 },
          sha256: { type: "string", pattern: "^[0-9a-f]{64}$" }
        }
      }
    },
    counts: { type: "object", additionalProperties: { type: "integer", minimum: 0 } },
    redis: { type: "object", required: ["clusterEnabled", "masters"] },
    neo4j: { type: "object", required: ["database", "from", "backupType"] },
    faiss: { type: "object", required: ["shards"] }
  }
};
var validate = new import_ajv.Ajv({ allErrors: true }).compile(manifestSchema);
function parseManifest(text, source) {
  let value;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new UserError(
      `${source} is not valid JSON: ${e.message}`,
      "the backup is damaged; restore an older snapshot"
    );
  }
  if (!validate(value)) {
    const errors = (validate.errors ?? []).map((e) => `${e.instancePath || "/"} ${e.message}`).join("; ");
    throw new UserError(
      `${source} is not a release-kit backup manifest: ${errors}`,
      "the backup is damaged or was not made by release-kit"
    );
  }
  return value;
}
var short = (sha) => `${sha.slice(0, 12)}\u2026`;
function compareFiles(expected, actual) {
  const found = new Map(actual.map((f) => [f.path, f]));
  const problems = [];
  for (const want of expected) {
    const got = found.get(want.path);
    found.delete(want.path);
    if (!got) problems.push(`${want.path} is missing (the manifest lists it with ${want.size} bytes)`);
    else if (got.size !== want.size)
      problems.push(`${want.path} is ${got.size} bytes, the manifest says ${want.size}: it was altered`);
    else if (got.sha256 !== want.sha256)
      problems.push(
        `${want.path} has sha256 ${short(got.sha256)}, the manifest says ${short(want.sha256)}: it was altered`
      );
  }
  for (const extra of found.keys()) problems.push(`${extra} is not listed in the manifest`);
  return problems;
}

// src/backup/files.ts
async function sha256File(path) {
  const hash = createHash("sha256");
  await pipeline(createReadStream(path), hash);
  return hash.digest("hex");
}
async function describeFiles(dir) {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  const files = [];
  for (const e of entries) {
    if (!e.isFile()) continue;
    const full = join(e.parentPath, e.name);
    const path = relative(dir, full).split(sep).join("/");
    if (path === manifestFileName || path === stageMarker) continue;
    files.push({ path, size: (await stat(full)).size, sha256: await sha256File(full) });
  }
  return files.sort((a, b) => a.path < b.path ? -1 : a.path > b.path ? 1 : 0);
}
async function writeManifest(dir, manifest) {
  await writeFile(join(dir, manifestFileName), `${JSON.stringify(manifest, null, 2)}
`);
}
async function readManifest(dir) {
  const path = join(dir, manifestFileName);
  let text;
  try {
    text = await readFile(path, "utf8");
  } catch {
    throw new UserError(
      `${path} is missing: this directory is not a release-kit backup`,
      "restore a snapshot made by release-kit (its tags are store=\u2026, env=\u2026, kind=\u2026)"
    );
  }
  return parseManifest(text, path);
}
async function verifyCopy(dir) {
  const manifest = await readManifest(dir);
  return { manifest, problems: compareFiles(manifest.files, await describeFiles(dir)) };
}

// src/backup/restore-snapshot.ts
async function isEmptyOrMissing(dir) {
  try {
    return (await readdir2(dir)).length === 0;
  } catch (e) {
    if (e.code === "ENOENT") return true;
    throw e;
  }
}
async function restoreSnapshot(restic, snapshotId, target) {
  const snapshot = await restic.snapshot(snapshotId);
  if (snapshot.paths.length !== 1) {
    throw new UserError(
      `snapshot ${snapshot.shortId} holds ${snapshot.paths.length} paths; release-kit backups hold one directory`,
      "restore it with `restic restore` by hand"
    );
  }
  if (!await isEmptyOrMissing(target)) {
    throw new UserError(`restore target ${target} is not empty`, "restore into a new or empty directory");
  }
  await mkdir(dirname(target), { recursive: true });
  const partial = `${target}.partial-${randomBytes(4).toString("hex")}`;
  try {
    await restic.restore(snapshot.id, partial);
    await rmdir(target).catch(() => {
    });
    await rename(partial, target);
  } finally {
    await rm(partial, { recursive: true, force: true });
  }
  return { snapshot, dir: target, ...await verifyCopy(target) };
}

// src/backup/tags.ts
var tagValue = /^[A-Za-z0-9._-]+$/;
function checked(name, value) {
  if (!tagValue.test(value)) {
    throw new UserError(
      `backup ${name} ${JSON.stringify(value)} cannot be a restic tag`,
      'use letters, digits, ".", "_" and "-" only'
    );
  }
  return value;
}
function snapshotTags(labels) {
  return [
    `store=${checked("store", labels.store)}`,
    `env=${checked("environment", labels.environment)}`,
    `kind=${checked("kind", labels.kind)}`
  ];
}
function selectorTags(kind, environment, store) {
  return [
    `kind=${kind}`,
    ...environment ? [`env=${checked("environment", environment)}`] : [],
    ...store ? [`store=${checked("store", store)}`] : []
  ];
}
function labelsOf(tags) {
  const get = (k) => tags.find((t) => t.startsWith(`${k}=`))?.slice(k.length + 1);
  const store = get("store");
  const environment = get("env");
  const kind = get("kind");
  if (!store || !environment || kind !== "data" && kind !== "config") return void 0;
  return { store, environment, kind };
}

// src/backup/retention.ts
function count(value, field2) {
  if (!Number.isInteger(value) || value < 1) {
    throw new UserError(
      `${field2} is ${value}: retention must be a whole number of at least 1`,
      "a retention of 0 would delete every snapshot of that kind"
    );
  }
  return value;
}
function retentionPolicies(backup) {
  return [
    { kind: "data", keepDaily: count(backup.data_backup.retention, "backup.data_backup.retention") },
    { kind: "config", keepWeekly: count(backup.config_backup.retention, "backup.config_backup.retention") }
  ];
}
async function applyRetention(restic, backup, o = {}) {
  const results = [];
  for (const policy of retentionPolicies(backup)) {
    const groups = await restic.forget({
      tags: selectorTags(policy.kind, o.environment),
      groupBy: "tags",
      ...policy.keepDaily !== void 0 ? { keepDaily: policy.keepDaily } : {},
      ...policy.keepWeekly !== void 0 ? { keepWeekly: policy.keepWeekly } : {},
      ...o.dryRun ? { dryRun: true } : {}
    });
    const removed = groups.reduce((n, g) => n + g.remove.length, 0);
    log.info(`${policy.kind} retention: ${o.dryRun ? "would remove" : "removed"} ${removed} snapshots`);
    results.push({ kind: policy.kind, groups, removed });
  }
  if (!o.dryRun && results.some((r) => r.removed > 0)) await restic.prune();
  return results;
}

// src/backup/stage.ts
import { mkdir as mkdir2, readdir as readdir3, rm as rm2, writeFile as writeFile2 } from "node:fs/promises";
import { join as join2 } from "node:path";
var snapshotHost = "release-kit";
async function prepareStage(dir) {
  await mkdir2(dir, { recursive: true });
  const entries = await readdir3(dir);
  if (entries.length && !entries.includes(stageMarker)) {
    throw new UserError(
      `stage directory ${dir} holds files that are not a previous backup stage (${entries.slice(0, 3).join(", ")}\u2026)`,
      "point the backup at an empty directory; it empties the stage before every run"
    );
  }
  await Promise.all(entries.map((e) => rm2(join2(dir, e), { recursive: true, force: true })));
  await writeFile2(join2(dir, stageMarker), "release-kit empties this directory before every backup\n");
}
async function commitBackup(dir, staged, o) {
  const time = o.time ?? /* @__PURE__ */ new Date();
  const manifest = {
    format: 1,
    store: o.labels.store,
    environment: o.labels.environment,
    kind: o.labels.kind,
    type: o.type,
    createdAt: time.toISOString(),
    ...staged,
    files: await describeFiles(dir)
  };
  await writeManifest(dir, manifest);
  const tags = snapshotTags(o.labels);
  const parent = (await o.restic.snapshots(tags)).at(-1);
  const summary = await o.restic.backup(dir, {
    tags,
    host: snapshotHost,
    time,
    ...parent ? { parent: parent.id } : {},
    force: o.type === "full"
  });
  log.info(
    `stored ${o.labels.store} backup as snapshot ${summary.snapshotId}: ${manifest.files.length} files, ${summary.totalBytesProcessed} bytes, ${summary.dataAdded} bytes added`
  );
  return { manifest, summary };
}

// src/backup/pipeline/config.ts
var configStore = "config";
async function runConfigBackup(o) {
  const environment = environmentLabel(o.config);
  const plan = planRelease(o.config);
  const root = await mkdtemp(join3(tmpdir(), "rk-config-backup-"));
  const stage = join3(root, "stage");
  try {
    await prepareStage(stage);
    const releases = [];
    const missing = [];
    let objects = 0;
    await log.group("Collect the releases", async () => {
      for (const r of plan.releases) {
        const ref = { release: r.release, namespace: r.namespace };
        let read;
        try {
          read = await Promise.all([o.helm.history(ref), o.helm.getValues(ref), o.helm.getManifest(ref)]);
        } catch (e) {
          if (!(e instanceof HelmReleaseNotFoundError)) throw e;
          log.warn(`${r.release} is not installed in ${r.namespace}: nothing to back up for it`);
          missing.push(r.release);
          continue;
        }
        const [history, values, manifest2] = read;
        objects += manifest2.length;
        const dir = join3(stage, "releases", r.release);
        await mkdir3(dir, { recursive: true });
        await writeFile3(join3(dir, "history.json"), `${JSON.stringify(history, null, 2)}
`);
        await writeFile3(join3(dir, "values.yaml"), (0, import_yaml.stringify)(values));
        await writeFile3(join3(dir, "manifest.yaml"), manifest2.map((m) => (0, import_yaml.stringify)(m.object)).join("---\n"));
        releases.push(r.release);
        log.info(`${r.release}: revision ${history.at(-1)?.revision}, ${manifest2.length} objects`);
      }
    });
    if (releases.length === 0) {
      throw new UserError(
        `none of the ${plan.releases.length} releases of ${o.config.name} is installed in namespace ${o.config.namespace}`,
        "check --env and the kubeconfig; deploy before backing up the configuration"
      );
    }
    await copyFile(o.configFile, join3(stage, `release-config-${basename(o.configFile)}`));
    const { manifest, summary } = await commitBackup(
      stage,
      {
        versions: { helm: o.helm.version.raw },
        counts: { releases: releases.length, objects }
      },
      {
        restic: o.restic,
        labels: { store: configStore, environment, kind: "config" },
        type: o.config.backup.config_backup.type,
        ...o.now ? { time: o.now } : {}
      }
    );
    const problems = [];
    const copy = await restoreSnapshot(o.restic, summary.snapshotId, join3(root, "verify"));
    problems.push(...copy.problems);
    const policy = retentionPolicies(o.config.backup).find((p) => p.kind === "config");
    const groups = await o.restic.forget({
      tags: selectorTags("config", environment),
      groupBy: "tags",
      ...policy?.keepWeekly !== void 0 ? { keepWeekly: policy.keepWeekly } : {}
    });
    const removed = groups.reduce((n, g) => n + g.remove.length, 0);
    if (removed > 0) await o.restic.prune();
    log.info(`config retention: removed ${removed} snapshots (keeping ${policy?.keepWeekly} weeks)`);
    return {
      environment,
      releases,
      missing,
      removed,
      row: {
        store: configStore,
        snapshot: summary.snapshotId,
        dataAdded: summary.dataAdded,
        files: manifest.files.length,
        bytes: manifest.files.reduce((n, f) => n + f.size, 0),
        durationSeconds: summary.durationSeconds,
        verified: problems.length === 0,
        problems
      }
    };
  } finally {
    await rm3(root, { recursive: true, force: true });
  }
}

// src/kube/jobs.ts
var MAX_NAME = 63;
function jobName(base, suffix) {
  const room = MAX_NAME - suffix.length - 1;
  return `${base.slice(0, room).replace(/-+$/, "")}-${suffix}`;
}
function runSuffix(now, random) {
  const stamp = now.toISOString().replace(/[-:T]/g, "").slice(0, 14);
  return `${stamp}-${random}`.toLowerCase();
}
function withEnv(env, overrides) {
  const out = (env ?? []).filter((e) => !(e.name in overrides));
  for (const [name, value] of Object.entries(overrides)) out.push({ name, value });
  return out;
}
function jobFromCronJob(cron, name, o = {}) {
  const template = structuredClone(cron.spec?.jobTemplate ?? {});
  const spec = template.spec;
  if (!spec?.template?.spec?.containers?.length) {
    throw new Error(`CronJob ${cron.metadata?.name} has no job template with containers`);
  }
  if (o.env) {
    for (const c of spec.template.spec.containers) c.env = withEnv(c.env, o.env);
  }
  for (const [volume, claimName] of Object.entries(o.claims ?? {})) {
    const volumes = spec.template.spec.volumes ?? [];
    const found = volumes.find((v) => v.name === volume);
    if (!found?.persistentVolumeClaim) {
      throw new Error(
        `CronJob ${cron.metadata?.name} has no pod volume "${volume}" backed by a PersistentVolumeClaim (its claim volumes: ${volumes.filter((v) => v.persistentVolumeClaim).map((v) => v.name).join(", ") || "none"})`
      );
    }
    found.persistentVolumeClaim = { ...found.persistentVolumeClaim, claimName };
  }
  return {
    apiVersion: "batch/v1",
    kind: "Job",
    metadata: {
      name,
      namespace: cron.metadata?.namespace,
      labels: { ...template.metadata?.labels, ...o.labels },
      annotations: { ...template.metadata?.annotations, "cronjob.kubernetes.io/instantiate": "manual" },
      // Owned by the CronJob like its scheduled Jobs: its history limits clean them up, and deleting the
      // CronJob deletes them.
      ...cron.metadata?.uid ? {
        ownerReferences: [
          {
            apiVersion: "batch/v1",
            kind: "CronJob",
            name: cron.metadata.name ?? "",
            uid: cron.metadata.uid,
            controller: true
          }
        ]
      } : {}
    },
    spec
  };
}
function jobOutcome(job) {
  const name = job.metadata?.name ?? "";
  const conditions = job.status?.conditions ?? [];
  const done = conditions.find((c) => c.status === "True" && (c.type === "Complete" || c.type === "Failed"));
  if (!done) return void 0;
  const startedAt = job.status?.startTime ? new Date(job.status.startTime) : void 0;
  const finishedAt = job.status?.completionTime ? new Date(job.status.completionTime) : done.lastTransitionTime ? new Date(done.lastTransitionTime) : void 0;
  return {
    name,
    status: done.type === "Complete" ? "succeeded" : "failed",
    ...done.type === "Failed" && done.reason ? { reason: done.reason } : {},
    ...done.type === "Failed" && done.message ? { message: done.message } : {},
    ...startedAt ? { startedAt } : {},
    ...finishedAt ? { finishedAt } : {},
    ...startedAt && finishedAt ? { durationSeconds: Math.max(0, (finishedAt.getTime() - startedAt.getTime()) / 1e3) } : {}
  };
}
var statusOf = (e) => e instanceof ApiException ? e.code : void 0;
async function readCronJob(client, namespace, name) {
  try {
    return await client.batch.readNamespacedCronJob({ name, namespace });
  } catch (e) {
    if (statusOf(e) === 404) {
      throw new UserError(
        `there is no CronJob ${name} in namespace ${namespace}`,
        "deploy the stores with backups enabled (release-kit deploy sets backup.enabled from the config) and check --env"
      );
    }
    throw e;
  }
}
async function createJob(client, namespace, job) {
  const created = await client.batch.createNamespacedJob({ namespace, body: job });
  return created.metadata?.name ?? job.metadata?.name ?? "";
}
async function startJobFromCronJob(client, namespace, cronJobName, suffix, o = {}) {
  const cron = await readCronJob(client, namespace, cronJobName);
  return createJob(client, namespace, jobFromCronJob(cron, jobName(cronJobName, suffix), o));
}
async function waitForJob(client, namespace, name, o) {
  const deadline = Date.now() + o.timeoutMs;
  for (; ; ) {
    const outcome = jobOutcome(await client.batch.readNamespacedJob({ name, namespace }));
    if (outcome) return outcome;
    if (Date.now() > deadline) {
      throw new UserError(
        `Job ${name} in namespace ${namespace} did not finish within ${Math.round(o.timeoutMs / 1e3)} s`,
        `look at its pods: kubectl -n ${namespace} logs job/${name}`
      );
    }
    await new Promise((r) => setTimeout(r, o.pollMs ?? 500));
  }
}

// src/backup/pipeline/data.ts
import { mkdtemp as mkdtemp2, rm as rm4 } from "node:fs/promises";
import { tmpdir as tmpdir2 } from "node:os";
import { join as join4 } from "node:path";

// src/backup/freshness.ts
var import_cron_parser = __toESM(require_dist2(), 1);
function backupFreshness(input) {
  const grace = input.graceMs ?? 60 * 60 * 1e3;
  let dueRun;
  try {
    const runs = import_cron_parser.CronExpressionParser.parse(input.schedule, {
      currentDate: new Date(input.now.getTime() - grace),
      tz: "UTC"
    });
    dueRun = runs.prev().toDate();
  } catch (e) {
    throw new UserError(
      `${input.field} ${JSON.stringify(input.schedule)} is not a cron schedule: ${e.message}`,
      'use five fields: minute hour day-of-month month day-of-week, e.g. "0 0 * * *"'
    );
  }
  const overdueSince = new Date(dueRun.getTime() + grace);
  if (!input.last) {
    return {
      status: "missing",
      dueRun,
      overdueSince,
      message: `no backup exists; one was due by ${overdueSince.toISOString()}`
    };
  }
  if (input.last.getTime() >= dueRun.getTime()) {
    return {
      status: "fresh",
      dueRun,
      message: `newest backup ${input.last.toISOString()} covers the run of ${dueRun.toISOString()}`
    };
  }
  return {
    status: "stale",
    dueRun,
    overdueSince,
    message: `newest backup is from ${input.last.toISOString()}, but the run of ${dueRun.toISOString()} (${input.schedule}) left no snapshot by ${overdueSince.toISOString()}`
  };
}

// src/backup/pipeline/jobs.ts
var describeFailure = (o) => `Job ${o.name} failed${o.reason ? ` (${o.reason}${o.message ? `: ${o.message}` : ""})` : ""}`;
async function runStoreBackups(o) {
  const tags = selectorTags("data", o.environment);
  const before = new Set((await o.restic.snapshots(tags)).map((s) => s.id));
  const runs = [];
  for (const store of o.stores) {
    try {
      const job = await startJobFromCronJob(o.kube, o.namespace, backupCronJob(store), o.suffix);
      log.info(`${store}: started backup Job ${job}`);
      runs.push({ store, job });
    } catch (e) {
      runs.push({ store, problem: `cannot start its backup Job: ${e.message}` });
    }
  }
  for (const run of runs) {
    if (!run.job) continue;
    run.outcome = await waitForJob(o.kube, o.namespace, run.job, { timeoutMs: o.jobTimeoutMs });
    if (run.outcome.status === "failed") run.problem = describeFailure(run.outcome);
  }
  const waitUntil = Date.now() + (o.snapshotWaitMs ?? 3e4);
  for (; ; ) {
    const fresh = (await o.restic.snapshots(tags)).filter((s) => !before.has(s.id));
    for (const run of runs) {
      if (run.problem || run.snapshot) continue;
      run.snapshot = fresh.filter((s) => labelsOf(s.tags)?.store === run.store).at(-1);
    }
    const missing = runs.filter((r) => !r.problem && !r.snapshot);
    if (missing.length === 0 || Date.now() > waitUntil) {
      for (const run of missing) {
        run.problem = `Job ${run.job} completed, but no new snapshot tagged store=${run.store},env=${o.environment} is in ${o.restic.repository}`;
      }
      return runs;
    }
    await new Promise((r) => setTimeout(r, 500));
  }
}

// src/backup/pipeline/data.ts
async function describeSnapshot(restic, snapshot, row) {
  const dir = await mkdtemp2(join4(tmpdir2(), "rk-backup-verify-"));
  try {
    const copy = await restoreSnapshot(restic, snapshot.id, join4(dir, "copy"));
    row.files = copy.manifest.files.length;
    row.bytes = copy.manifest.files.reduce((n, f) => n + f.size, 0);
    row.problems.push(...copy.problems.map((p) => `snapshot ${snapshot.shortId}: ${p}`));
    row.dataAdded = snapshot.parent ? (await restic.diff(snapshot.parent, snapshot.id)).addedBytes : row.bytes;
  } catch (e) {
    row.problems.push(
      `snapshot ${snapshot.shortId} could not be restored for verification: ${e.message}`
    );
  } finally {
    await rm4(dir, { recursive: true, force: true });
  }
}
async function runDataBackup(o) {
  const now = o.now ?? (() => /* @__PURE__ */ new Date());
  const environment = environmentLabel(o.config);
  const runs = await log.group(
    "Run the backup Jobs",
    () => runStoreBackups({
      kube: o.kube,
      restic: o.restic,
      namespace: o.config.namespace,
      environment,
      stores: o.stores,
      suffix: o.suffix,
      jobTimeoutMs: o.jobTimeoutMs ?? 6 * 36e5,
      ...o.snapshotWaitMs !== void 0 ? { snapshotWaitMs: o.snapshotWaitMs } : {}
    })
  );
  const rows = runs.map((r) => ({
    store: r.store,
    ...r.job ? { job: r.job } : {},
    ...r.snapshot ? { snapshot: r.snapshot.shortId } : {},
    ...r.outcome?.durationSeconds !== void 0 ? { durationSeconds: r.outcome.durationSeconds } : {},
    verified: false,
    problems: r.problem ? [r.problem] : []
  }));
  await log.group("Collect the snapshots", async () => {
    for (const [i, run] of runs.entries()) {
      if (run.snapshot) await describeSnapshot(o.restic, run.snapshot, rows[i]);
    }
  });
  const retention = await log.group(
    "Apply retention",
    () => applyRetention(o.restic, o.config.backup, { environment })
  );
  const check = await log.group("Verify the repository", async () => {
    const result = await o.restic.check(o.readDataSubset ?? "10%");
    if (!result.ok)
      log.error(`restic check found problems in ${o.restic.repository}: ${result.findings.join("; ")}`);
    for (const row of rows) row.verified = Boolean(row.snapshot) && result.ok && row.problems.length === 0;
    return result;
  });
  const freshness = {};
  const latest = await o.restic.snapshots(selectorTags("data", environment));
  for (const store of o.stores) {
    const last = latest.filter((s) => labelsOf(s.tags)?.store === store).at(-1);
    const f = backupFreshness({
      schedule: o.config.backup.data_backup.schedule,
      field: "backup.data_backup.schedule",
      ...last ? { last: last.time } : {},
      now: now()
    });
    freshness[store] = f;
    if (f.status !== "fresh") log.error(`${store}: the last good backup is overdue: ${f.message}`);
  }
  const ok = check.ok && rows.every((r) => r.verified && r.problems.length === 0) && Object.values(freshness).every((f) => f.status === "fresh");
  return { environment, rows, retention, check, freshness, ok };
}

// src/backup/pipeline/table.ts
function formatBytes(n) {
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let value = n;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${n} B` : `${value.toFixed(1)} ${units[unit]}`;
}
var backupHeaders = ["Store", "Snapshot", "Size added", "Files", "Duration", "Verified"];
function backupTable(rows) {
  return rows.map((r) => [
    r.store,
    r.snapshot ?? "\u2014",
    r.dataAdded === void 0 ? "\u2014" : formatBytes(r.dataAdded),
    r.files === void 0 ? "\u2014" : String(r.files),
    r.durationSeconds === void 0 ? "\u2014" : `${r.durationSeconds.toFixed(1)} s`,
    r.verified ? "yes" : `no${r.problems.length ? `: ${r.problems.join("; ")}` : ""}`
  ]);
}

export {
  verifyCopy,
  restoreSnapshot,
  selectorTags,
  labelsOf,
  environmentLabel,
  restoreCronJob,
  selectStores,
  parseList,
  repositoryFromEnvironment,
  runConfigBackup,
  jobName,
  runSuffix,
  jobFromCronJob,
  jobOutcome,
  readCronJob,
  createJob,
  waitForJob,
  runStoreBackups,
  runDataBackup,
  backupHeaders,
  backupTable
};
