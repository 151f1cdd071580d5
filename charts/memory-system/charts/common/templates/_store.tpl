{{/*
Shared parts of the stores (faiss, neo4j, redis; seed 1.1 storage layer).
With `external.host` set the in-cluster store is not deployed: an ExternalName Service of the same name points at the
managed endpoint, so clients keep using the same host name.
*/}}
{{- define "common.store.external" -}}
{{- .Values.external.host -}}
{{- end -}}

{{- define "common.store.externalService" -}}
apiVersion: v1
kind: Service
metadata:
  name: {{ include "common.names.service" . }}
  namespace: {{ .Release.Namespace }}
  labels:
    {{- include "common.labels.standard" . | nindent 4 }}
  annotations:
    release-kit.dev/external-endpoint: {{ printf "%s:%v" .Values.external.host (default .Values.port .Values.external.port) | quote }}
spec:
  type: ExternalName
  externalName: {{ .Values.external.host }}
{{- end -}}

{{/* The client Service of an in-cluster store, plus a headless Service for the pods' stable DNS names. dict: context, clientPorts, peerPorts */}}
{{- define "common.store.services" -}}
{{- $ctx := .context -}}
apiVersion: v1
kind: Service
metadata:
  name: {{ include "common.names.service" $ctx }}
  namespace: {{ $ctx.Release.Namespace }}
  labels:
    {{- include "common.labels.standard" $ctx | nindent 4 }}
spec:
  type: ClusterIP
  selector:
    {{- include "common.labels.selector" $ctx | nindent 4 }}
  ports:
    {{- toYaml .clientPorts | nindent 4 }}
---
apiVersion: v1
kind: Service
metadata:
  name: {{ include "common.names.service" $ctx }}-headless
  namespace: {{ $ctx.Release.Namespace }}
  labels:
    {{- include "common.labels.standard" $ctx | nindent 4 }}
spec:
  clusterIP: None
  # Peers must find each other before they are ready (cluster discovery).
  publishNotReadyAddresses: true
  selector:
    {{- include "common.labels.selector" $ctx | nindent 4 }}
  ports:
    {{- toYaml .peerPorts | nindent 4 }}
{{- end -}}

{{/* A volumeClaimTemplate named data. dict: size, storageClassName */}}
{{- define "common.store.dataClaim" -}}
volumeClaimTemplates:
  - apiVersion: v1
    kind: PersistentVolumeClaim
    metadata:
      name: data
    spec:
      accessModes: [ReadWriteOnce]
      {{- with .storageClassName }}
      storageClassName: {{ . }}
      {{- end }}
      resources:
        requests:
          storage: {{ include "common.names.quantity" .size }}
{{- end -}}
