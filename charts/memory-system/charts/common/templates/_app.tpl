{{/*
The application tiers (api, memory, storage; seed 2.1/2.2) share one shape: a Deployment whose container serves
HTTP on a port named `http` (health at /healthz, metrics at /metrics), a Service named after the component,
and optional claims for the data volumes.
*/}}
{{- define "common.app.deployment" -}}
{{- $g := include "common.global" . | fromYaml -}}
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ include "common.names.workload" . }}
  namespace: {{ .Release.Namespace }}
  labels:
    {{- include "common.labels.standard" . | nindent 4 }}
    {{- with .Values.extraLabels }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
spec:
  {{- with include "common.replicas" . }}
  {{- . | nindent 2 }}
  {{- end }}
  revisionHistoryLimit: 10
  selector:
    matchLabels:
      {{- include "common.labels.selector" . | nindent 6 }}
  {{- include "common.strategy.deployment" . | nindent 2 }}
  template:
    metadata:
      labels:
        {{- include "common.labels.pod" . | nindent 8 }}
    spec:
      automountServiceAccountToken: false
      {{- include "common.security.pod" (dict "user" .Values.runAsUser) | nindent 6 }}
      {{- include "common.topologySpread" . | nindent 6 }}
      containers:
        - name: {{ include "common.names.component" . }}
          image: {{ include "common.images.image" (dict "image" .Values.image "global" $g) }}
          imagePullPolicy: {{ .Values.image.pullPolicy }}
          ports:
            - name: http
              containerPort: {{ .Values.containerPort }}
              protocol: TCP
          {{- with .Values.env }}
          env:
            {{- range $name, $value := . }}
            - name: {{ $name }}
              value: {{ toString $value | quote }}
            {{- end }}
          {{- end }}
          resources:
            {{- toYaml .Values.resources | nindent 12 }}
          {{- include "common.probes" (dict "handler" (dict "httpGet" (dict "path" .Values.healthPath "port" "http")) "health" $g.healthCheck) | nindent 10 }}
          {{- include "common.security.container" . | nindent 10 }}
          volumeMounts:
            - name: tmp
              mountPath: /tmp
            {{- range .Values.volumes }}
            - name: {{ .name }}
              mountPath: {{ .mountPath }}
            {{- end }}
      volumes:
        - name: tmp
          emptyDir: {}
        {{- range .Values.volumes }}
        - name: {{ .name }}
          {{- if .claim }}
          persistentVolumeClaim:
            claimName: {{ .name }}
          {{- else }}
          emptyDir: {}
          {{- end }}
        {{- end }}
{{- end -}}

{{- define "common.app.service" -}}
apiVersion: v1
kind: Service
metadata:
  name: {{ include "common.names.service" . }}
  namespace: {{ .Release.Namespace }}
  labels:
    {{- include "common.labels.standard" . | nindent 4 }}
spec:
  type: ClusterIP
  selector:
    {{- include "common.labels.selector" . | nindent 4 }}
  ports:
    - name: http
      port: {{ .Values.service.port }}
      targetPort: http
      protocol: TCP
{{- end -}}

{{/* Claims for data volumes that ask for one (`claim:`); the others are emptyDir, one per pod. */}}
{{- define "common.app.claims" -}}
{{- range .Values.volumes }}
{{- if .claim }}
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: {{ .name }}
  namespace: {{ $.Release.Namespace }}
  labels:
    {{- include "common.labels.standard" $ | nindent 4 }}
  annotations:
    # Data outlives an uninstall, as the seed's named Docker volumes do.
    helm.sh/resource-policy: keep
spec:
  accessModes:
    {{- toYaml .claim.accessModes | nindent 4 }}
  {{- with .claim.storageClassName }}
  storageClassName: {{ . }}
  {{- end }}
  resources:
    requests:
      storage: {{ .claim.size }}
{{- end }}
{{- end }}
{{- end -}}
