{{/*
Readiness and liveness probes with the seed's health_check numbers (6.1).
dict: handler (e.g. {httpGet: {path: /healthz, port: http}}), health (global.healthCheck)
*/}}
{{- define "common.probes" -}}
{{- $timing := pick .health "initialDelaySeconds" "periodSeconds" "timeoutSeconds" "successThreshold" "failureThreshold" -}}
readinessProbe:
  {{- toYaml (merge (deepCopy .handler) $timing) | nindent 2 }}
livenessProbe:
  {{- /* Liveness must have successThreshold 1 (an apiserver rule). */}}
  {{- toYaml (merge (dict "successThreshold" 1) (deepCopy .handler) (omit $timing "successThreshold")) | nindent 2 }}
{{- end -}}
