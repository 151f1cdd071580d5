{{/*
A ServiceMonitor when the Prometheus Operator's CRDs exist (otherwise the umbrella renders a plain scrape config).
The job label is the component (api, memory, storage), as in the seed's scrape jobs (4.1).
*/}}
{{- define "common.serviceMonitor" -}}
{{- if .Capabilities.APIVersions.Has "monitoring.coreos.com/v1/ServiceMonitor" }}
{{- $g := include "common.global" . | fromYaml }}
apiVersion: monitoring.coreos.com/v1
kind: ServiceMonitor
metadata:
  name: {{ include "common.names.service" . }}
  namespace: {{ .Release.Namespace }}
  labels:
    {{- include "common.labels.standard" . | nindent 4 }}
spec:
  jobLabel: app.kubernetes.io/component
  namespaceSelector:
    matchNames:
      - {{ .Release.Namespace }}
  selector:
    matchLabels:
      {{- include "common.labels.selector" . | nindent 6 }}
  endpoints:
    - port: http
      path: /metrics
      interval: {{ $g.monitoring.scrapeInterval }}
{{- end }}
{{- end -}}
