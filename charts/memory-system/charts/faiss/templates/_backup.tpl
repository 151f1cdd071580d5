{{/* --shard NAME=URL,URL… per shard: every replica's stable name through the shard's headless Service. */}}
{{- define "faiss.backupShardArgs" -}}
{{- $args := list -}}
{{- range $shard := until (int .Values.shards) -}}
{{- $name := printf "%s-shard-%d" (include "common.names.workload" $) $shard -}}
{{- $urls := list -}}
{{- range $r := until (int $.Values.replicas) -}}
{{- $urls = append $urls (printf "http://%s-%d.%s.%s.svc.cluster.local:%v" $name $r $name $.Release.Namespace $.Values.port) -}}
{{- end -}}
{{- $args = append $args "--shard" -}}
{{- $args = append $args (printf "%d=%s" $shard (join "," $urls)) -}}
{{- end -}}
{{- toJson $args -}}
{{- end -}}
