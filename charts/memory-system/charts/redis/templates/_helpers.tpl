{{- define "redis.nodeCount" -}}
{{- mul .Values.masters (add 1 .Values.replicasPerMaster) -}}
{{- end -}}

{{/* Stable DNS name of pod i (through the headless Service). dict: context, index */}}
{{- define "redis.podHost" -}}
{{- $svc := include "common.names.service" .context -}}
{{- printf "%s-%d.%s-headless.%s.svc.cluster.local" $svc (int .index) $svc .context.Release.Namespace -}}
{{- end -}}
