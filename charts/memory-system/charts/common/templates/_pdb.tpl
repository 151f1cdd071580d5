{{/* A PodDisruptionBudget for the component's pods. dict: context, name (default the workload), selector (extra labels) */}}
{{- define "common.pdb" -}}
{{- $ctx := .context -}}
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: {{ default (include "common.names.workload" $ctx) .name }}
  namespace: {{ $ctx.Release.Namespace }}
  labels:
    {{- include "common.labels.standard" $ctx | nindent 4 }}
spec:
  maxUnavailable: {{ $ctx.Values.pdb.maxUnavailable }}
  selector:
    matchLabels:
      {{- include "common.labels.selector" $ctx | nindent 6 }}
      {{- with .selector }}
      {{- toYaml . | nindent 6 }}
      {{- end }}
{{- end -}}
