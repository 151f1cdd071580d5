{{/*
Labels (bitnami style). Selectors carry only name, instance and component because selectors are immutable;
everything else may change between releases.
*/}}
{{- define "common.labels.version" -}}
{{- $image := default (dict) .Values.image -}}
{{- default .Chart.AppVersion (default "" $image.tag | toString) | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "common.labels.standard" -}}
{{- $g := include "common.global" . | fromYaml -}}
app.kubernetes.io/name: {{ include "common.names.name" . }}
app.kubernetes.io/instance: {{ .Release.Name | quote }}
app.kubernetes.io/version: {{ include "common.labels.version" . | quote }}
app.kubernetes.io/component: {{ include "common.names.component" . }}
app.kubernetes.io/part-of: {{ $g.partOf }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ include "common.names.chart" . }}
{{- end -}}

{{- define "common.labels.selector" -}}
app.kubernetes.io/name: {{ include "common.names.name" . }}
app.kubernetes.io/instance: {{ .Release.Name | quote }}
app.kubernetes.io/component: {{ include "common.names.component" . }}
{{- end -}}

{{/* Pod template labels: standard labels, the network zone (seed 1.2) and any extra labels (seed `app: api`). */}}
{{- define "common.labels.pod" -}}
{{ include "common.labels.standard" . }}
release-kit.dev/zone: {{ required "zone must be public, app or data" .Values.zone }}
{{- with .Values.extraLabels }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{/* Labels of objects that belong to the umbrella itself (monitoring, logging, network). dict: context, component */}}
{{- define "common.labels.platform" -}}
{{- $ctx := .context -}}
app.kubernetes.io/name: {{ $ctx.Chart.Name }}
app.kubernetes.io/instance: {{ $ctx.Release.Name | quote }}
app.kubernetes.io/version: {{ $ctx.Chart.AppVersion | quote }}
app.kubernetes.io/component: {{ .component }}
app.kubernetes.io/part-of: {{ (include "common.global" $ctx | fromYaml).partOf }}
app.kubernetes.io/managed-by: {{ $ctx.Release.Service }}
helm.sh/chart: {{ include "common.names.chart" $ctx }}
{{- end -}}
