{{/* Spread replicas over nodes and zones; soft, so a small cluster still schedules them. */}}
{{- define "common.topologySpread" -}}
topologySpreadConstraints:
  {{- range list "kubernetes.io/hostname" "topology.kubernetes.io/zone" }}
  - maxSkew: 1
    topologyKey: {{ . }}
    whenUnsatisfiable: ScheduleAnyway
    labelSelector:
      matchLabels:
        {{- include "common.labels.selector" $ | nindent 8 }}
  {{- end }}
{{- end -}}

{{/* Stores: keep replicas of one store off the same node. dict: context, selector (extra labels) */}}
{{- define "common.antiAffinity" -}}
affinity:
  podAntiAffinity:
    preferredDuringSchedulingIgnoredDuringExecution:
      - weight: 100
        podAffinityTerm:
          topologyKey: kubernetes.io/hostname
          labelSelector:
            matchLabels:
              {{- include "common.labels.selector" .context | nindent 14 }}
              {{- with .selector }}
              {{- toYaml . | nindent 14 }}
              {{- end }}
{{- end -}}
