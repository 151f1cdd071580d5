{{/*
Names. Services are named after the component (api, memory, storage, faiss, neo4j, redis, gateway) so that
the seed's host names (DB_HOST, FAISS_HOST, scrape targets api:8000, …) resolve inside the namespace.
*/}}

{{/* The component this chart deploys: the chart's own name unless `componentName` overrides it. */}}
{{- define "common.names.component" -}}
{{- default .Chart.Name .Values.componentName | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "common.names.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* The Service name other components use as host name. */}}
{{- define "common.names.service" -}}
{{- default (include "common.names.component" .) .Values.serviceName | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* The workload (Deployment/StatefulSet) name; the seed names the API Deployment `api-deployment`. */}}
{{- define "common.names.workload" -}}
{{- default (include "common.names.service" .) .Values.workloadName | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "common.names.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* A disk size as a Kubernetes quantity: the seed writes sizes like 100GB, Kubernetes wants 100G. */}}
{{- define "common.names.quantity" -}}
{{- regexReplaceAll "^([0-9.]+)([KMGTPE]i?)B$" (toString .) "${1}${2}" -}}
{{- end -}}
