{{/* HPA v2 from the seed's auto_scaling (3.1). Renders nothing when autoscaling is off. */}}
{{- define "common.hpa" -}}
{{- $a := (include "common.global" . | fromYaml).autoscaling -}}
{{- if $a.enabled }}
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: {{ include "common.names.workload" . }}
  namespace: {{ .Release.Namespace }}
  labels:
    {{- include "common.labels.standard" . | nindent 4 }}
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: {{ include "common.names.workload" . }}
  minReplicas: {{ $a.minReplicas }}
  maxReplicas: {{ $a.maxReplicas }}
  metrics:
    - type: Resource
      resource:
        name: cpu
        target:
          type: Utilization
          averageUtilization: {{ $a.targetCPUUtilizationPercentage }}
    - type: Resource
      resource:
        name: memory
        target:
          type: Utilization
          averageUtilization: {{ $a.targetMemoryUtilizationPercentage }}
{{- end }}
{{- end -}}

{{/* `replicas:` unless the HPA owns the count (a fixed count would fight the HPA on every upgrade). */}}
{{- define "common.replicas" -}}
{{- if not (include "common.global" . | fromYaml).autoscaling.enabled -}}
replicas: {{ .Values.replicas }}
{{- end -}}
{{- end -}}
