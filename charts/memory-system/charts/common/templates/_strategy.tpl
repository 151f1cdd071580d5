{{/* Deployment strategy from the seed's release strategy (6.1): rolling update, maxSurge 1, maxUnavailable 0. */}}
{{- define "common.strategy.deployment" -}}
{{- $s := (include "common.global" . | fromYaml).deployment.strategy -}}
strategy:
  type: {{ $s.type }}
  {{- if eq $s.type "RollingUpdate" }}
  rollingUpdate:
    maxSurge: {{ $s.maxSurge }}
    maxUnavailable: {{ $s.maxUnavailable }}
  {{- end }}
{{- end -}}

{{/* StatefulSets roll one pod at a time, highest ordinal first; maxUnavailable is not stable in Kubernetes 1.30. */}}
{{- define "common.strategy.statefulset" -}}
podManagementPolicy: Parallel
updateStrategy:
  type: RollingUpdate
  rollingUpdate:
    partition: 0
{{- end -}}
