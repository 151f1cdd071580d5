{{/*
Scheduled backups and restores of a store (seed 5.1, 5.2). Each store renders, when `backup.enabled`:
- CronJob `<store>-backup` on `backup.schedule` (concurrencyPolicy Forbid): the backup runner image stores the
  store's data as a restic snapshot tagged store/env/kind=data;
- CronJob `<store>-restore`, suspended and never scheduled: the template release-kit creates a restore Job from
  (as `kubectl create job --from=cronjob/<store>-restore` does), with RESTORE_SNAPSHOT set to the snapshot id;
- NetworkPolicy `<store>-backup-repository`: their pods may also reach the repository (`backup.repositoryEgress`).
Their pods carry the store's instance and component labels and the data zone, so the store's own NetworkPolicy
covers them (ingress from nobody else, egress to the store's pods); the Service selector's name label is changed
so they never receive client traffic.
*/}}

{{- define "common.backup.environment" -}}
{{- default .Release.Namespace .Values.backup.environment -}}
{{- end -}}

{{/* Pod labels of a runner pod. dict: context, job (backup|restore) */}}
{{- define "common.backup.podLabels" -}}
{{- $ctx := .context -}}
{{- $name := include "common.names.name" $ctx -}}
{{ include "common.labels.pod" $ctx | replace (printf "app.kubernetes.io/name: %s" $name) (printf "app.kubernetes.io/name: %s-%s" $name .job) }}
release-kit.dev/backup-runner: "true"
release-kit.dev/job: {{ .job }}
{{- end -}}

{{/*
A CronJob running the backup runner. dict: context, job (backup|restore), args (runner argv), env (extra env list),
volumes / volumeMounts (extra, lists)
*/}}
{{- define "common.backup.cronJob" -}}
{{- $ctx := .context -}}
{{- $b := $ctx.Values.backup -}}
{{- $g := include "common.global" $ctx | fromYaml -}}
apiVersion: batch/v1
kind: CronJob
metadata:
  name: {{ include "common.names.service" $ctx }}-{{ .job }}
  namespace: {{ $ctx.Release.Namespace }}
  labels:
    {{- include "common.labels.standard" $ctx | nindent 4 }}
    release-kit.dev/job: {{ .job }}
spec:
  {{- if eq .job "backup" }}
  schedule: {{ required "backup.schedule is required" $b.schedule | quote }}
  suspend: false
  {{- else }}
  # Never scheduled: a template for the restore Jobs release-kit creates with RESTORE_SNAPSHOT set.
  schedule: "0 0 31 2 *"
  suspend: true
  {{- end }}
  timeZone: Etc/UTC
  concurrencyPolicy: Forbid
  startingDeadlineSeconds: {{ $b.startingDeadlineSeconds }}
  successfulJobsHistoryLimit: 3
  failedJobsHistoryLimit: 3
  jobTemplate:
    metadata:
      labels:
        {{- include "common.labels.standard" $ctx | nindent 8 }}
        release-kit.dev/job: {{ .job }}
    spec:
      # A failed backup is reported and retried by the next run; a restore is never repeated blindly.
      backoffLimit: {{ if eq .job "backup" }}1{{ else }}0{{ end }}
      activeDeadlineSeconds: {{ $b.activeDeadlineSeconds }}
      template:
        metadata:
          labels:
            {{- include "common.backup.podLabels" (dict "context" $ctx "job" .job) | nindent 12 }}
        spec:
          restartPolicy: Never
          automountServiceAccountToken: false
          {{- include "common.security.pod" (dict "user" $b.runAsUser) | nindent 10 }}
          containers:
            - name: {{ .job }}
              image: {{ include "common.images.image" (dict "image" $b.image "global" $g) }}
              imagePullPolicy: {{ $b.image.pullPolicy }}
              args:
                {{- toYaml .args | nindent 16 }}
              env:
                - name: RESTIC_REPOSITORY
                  value: {{ required "backup.repository.url is required when backup.enabled" $b.repository.url | quote }}
                - name: RESTIC_PASSWORD
                  valueFrom:
                    secretKeyRef:
                      name: {{ $b.repository.passwordSecret }}
                      key: {{ $b.repository.passwordKey }}
                - name: RESTIC_CACHE_DIR
                  value: /cache
                {{- with .env }}
                {{- toYaml . | nindent 16 }}
                {{- end }}
              {{- with $b.repository.credentialsSecret }}
              # Backend credentials (AWS_ACCESS_KEY_ID, …) for the repository.
              envFrom:
                - secretRef:
                    name: {{ . }}
              {{- end }}
              resources:
                {{- toYaml $b.resources | nindent 16 }}
              {{- include "common.security.container" $ctx | nindent 14 }}
              volumeMounts:
                - name: stage
                  mountPath: /stage
                - name: cache
                  mountPath: /cache
                - name: tmp
                  mountPath: /tmp
                {{- with .volumeMounts }}
                {{- toYaml . | nindent 16 }}
                {{- end }}
          volumes:
            - name: stage
              emptyDir: {}
            - name: cache
              emptyDir: {}
            - name: tmp
              emptyDir: {}
            {{- with .volumes }}
            {{- toYaml . | nindent 12 }}
            {{- end }}
{{- end -}}

{{/*
The suspended `<store>-restore` CronJob: the template of the restore Jobs, one per data volume. Its pod mounts
one volume, `data`, at /data: the claim of the store's first pod (the StatefulSets' claim template is named
`data`, so pod <pod> owns PVC data-<pod>). release-kit points `data` at each pod's PVC in turn and sets
RESTORE_SNAPSHOT (and RESTORE_SHARD for FAISS) per Job, so every Job mounts exactly one ReadWriteOnce volume.
dict: context, args (runner argv), env (the placeholders the args use), firstPod
*/}}
{{- define "common.backup.restoreCronJob" -}}
{{- $volume := dict "name" "data" "persistentVolumeClaim" (dict "claimName" (printf "data-%s" .firstPod)) -}}
{{- $mount := dict "name" "data" "mountPath" "/data" -}}
{{- include "common.backup.cronJob" (dict "context" .context "job" "restore" "args" .args "env" .env "volumes" (list $volume) "volumeMounts" (list $mount)) -}}
{{- end -}}

{{/* The egress the store's NetworkPolicy does not give the runner pods: the restic repository. */}}
{{- define "common.backup.networkPolicy" -}}
{{- $g := include "common.global" . | fromYaml -}}
{{- if $g.networkPolicy.enabled }}
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: {{ include "common.names.service" . }}-backup-repository
  namespace: {{ .Release.Namespace }}
  labels:
    {{- include "common.labels.standard" . | nindent 4 }}
spec:
  podSelector:
    matchLabels:
      app.kubernetes.io/instance: {{ .Release.Name | quote }}
      app.kubernetes.io/component: {{ include "common.names.component" . }}
      release-kit.dev/backup-runner: "true"
  policyTypes: [Egress]
  egress:
    {{- range .Values.backup.repositoryEgress }}
    - to:
        - ipBlock:
            cidr: {{ .cidr }}
      ports:
        - port: {{ .port }}
          protocol: TCP
    {{- end }}
{{- end }}
{{- end -}}
