{{/* Discovery endpoints: every primary's stable name through the headless Service (Neo4j 5 LIST resolver). */}}
{{- define "neo4j.discoveryEndpoints" -}}
{{- $svc := include "common.names.service" . -}}
{{- $endpoints := list -}}
{{- range $i := until (int .Values.coreServers) -}}
{{- $endpoints = append $endpoints (printf "%s-core-%d.%s-headless.%s.svc.cluster.local:5000" $svc $i $svc $.Release.Namespace) -}}
{{- end -}}
{{- join "," $endpoints -}}
{{- end -}}

{{/* Backup listeners of the primaries (`server.backup.listen_address`), as neo4j-admin --from takes them. */}}
{{- define "neo4j.backupEndpoints" -}}
{{- $svc := include "common.names.service" . -}}
{{- $endpoints := list -}}
{{- range $i := until (int .Values.coreServers) -}}
{{- $endpoints = append $endpoints (printf "%s-core-%d.%s-headless.%s.svc.cluster.local:%v" $svc $i $svc $.Release.Namespace $.Values.backup.port) -}}
{{- end -}}
{{- join "," $endpoints -}}
{{- end -}}
