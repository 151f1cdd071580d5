{{/*
Shared settings with the seed's numbers as defaults, so a subchart renders on its own (helm lint) and the
umbrella's `global` block overrides them. Returns YAML; use `include "common.global" . | fromYaml`.
*/}}
{{- define "common.global.defaults" -}}
imageRegistry: ""
partOf: memory-system
deployment:
  strategy: {type: RollingUpdate, maxSurge: 1, maxUnavailable: 0}
healthCheck:
  initialDelaySeconds: 30
  periodSeconds: 10
  timeoutSeconds: 5
  successThreshold: 1
  failureThreshold: 3
autoscaling:
  enabled: true
  minReplicas: 2
  maxReplicas: 10
  targetCPUUtilizationPercentage: 70
  targetMemoryUtilizationPercentage: 80
monitoring:
  scrapeInterval: 15s
  evaluationInterval: 15s
networkPolicy:
  enabled: true
  monitoringNamespace: monitoring
stores:
  faiss: {host: faiss, port: 8080, external: false}
  neo4j: {host: neo4j, port: 7687, external: false}
  redis: {host: redis, port: 6379, external: false}
{{- end -}}

{{- define "common.global" -}}
{{- $defaults := include "common.global.defaults" . | fromYaml -}}
{{- toYaml (mergeOverwrite $defaults (deepCopy (default (dict) .Values.global))) -}}
{{- end -}}
