{{/* Pods run non-root with the runtime's default seccomp profile. dict: user */}}
{{- define "common.security.pod" -}}
securityContext:
  runAsNonRoot: true
  runAsUser: {{ .user }}
  runAsGroup: {{ .user }}
  fsGroup: {{ .user }}
  seccompProfile:
    type: RuntimeDefault
{{- end -}}

{{/* Every container: read-only root filesystem, no privilege escalation, all capabilities dropped. */}}
{{- define "common.security.container" -}}
securityContext:
  runAsNonRoot: true
  allowPrivilegeEscalation: false
  privileged: false
  readOnlyRootFilesystem: true
  capabilities:
    drop: [ALL]
  seccompProfile:
    type: RuntimeDefault
{{- end -}}
