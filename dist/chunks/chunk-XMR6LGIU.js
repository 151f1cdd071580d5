import { createRequire as __rkCreateRequire } from 'node:module'; const require = __rkCreateRequire(import.meta.url);

// src/deploy/report.ts
var reportHeaders = [
  "Wave",
  "Release",
  "Revision",
  "Image",
  "Duration",
  "Status",
  "Detail"
];
function formatDuration(ms) {
  if (ms === void 0) return "";
  return ms < 6e4 ? `${(ms / 1e3).toFixed(1)} s` : `${Math.floor(ms / 6e4)} min ${Math.round(ms % 6e4 / 1e3)} s`;
}
function revisionChange(r) {
  const before = r.previousRevision === null ? "-" : String(r.previousRevision);
  if (r.outcome === "unchanged" || r.revision === r.previousRevision && r.revision !== null) return before;
  return `${before} -> ${r.revision === null ? "-" : String(r.revision)}`;
}
function releaseStatus(r, dryRun) {
  switch (r.outcome) {
    case "deployed":
      return r.action === "install" ? "installed" : "upgraded";
    case "unchanged":
      return "skipped (unchanged)";
    case "failed":
      return "FAILED";
    case "not-started":
      if (dryRun && r.action) return r.action === "skip" ? "skipped (unchanged)" : `would ${r.action}`;
      return "not started";
  }
}
function releaseDetail(r) {
  if (r.outcome === "failed") return r.error ?? "";
  if (r.outcome === "not-started" && r.notStartedReason) return r.notStartedReason;
  const parts = [...r.repaired ? [`repaired first: ${r.repaired}`] : [], ...r.reasons ?? []];
  return parts.join("; ");
}
function reportRows(ledger) {
  return ledger.releases.map((r) => [
    String(r.wave),
    r.release,
    revisionChange(r),
    r.images.join(", "),
    r.outcome === "unchanged" ? "" : formatDuration(r.durationMs),
    releaseStatus(r, ledger.dryRun),
    releaseDetail(r)
  ]);
}
function formatTable(headers, rows) {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells) => cells.map((c, i) => i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0)).join("  ").trimEnd();
  return [
    line(headers),
    line(widths.map((w, i) => "-".repeat(i === widths.length - 1 ? Math.min(w, 40) : w))),
    ...rows.map(line)
  ].join("\n");
}
function ledgerHeadline(ledger) {
  const count = (o) => ledger.releases.filter((r) => r.outcome === o).length;
  const where = `${ledger.releases.length} releases in namespace ${ledger.namespace}`;
  if (ledger.dryRun) {
    const changing = ledger.releases.filter((r) => r.action === "install" || r.action === "upgrade").length;
    return ledger.outcome === "success" ? `dry run of ${where}: ${changing} would change, ${ledger.releases.length - changing} unchanged` : `dry run of ${where} failed`;
  }
  const parts = [`${count("deployed")} deployed`, `${count("unchanged")} unchanged`];
  if (count("failed")) parts.push(`${count("failed")} failed`);
  if (count("not-started")) parts.push(`${count("not-started")} not started`);
  return `deploy of ${where} ${ledger.outcome === "success" ? "succeeded" : "FAILED"}: ${parts.join(", ")}`;
}
var changedReleases = (ledger) => ledger.releases.filter((r) => r.changed).map((r) => r.release);
var revisionsByRelease = (ledger) => Object.fromEntries(ledger.releases.map((r) => [r.release, r.revision]));

export {
  reportHeaders,
  formatDuration,
  reportRows,
  formatTable,
  ledgerHeadline,
  changedReleases,
  revisionsByRelease
};
