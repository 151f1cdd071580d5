{{/*
Network zones (seed 1.2): public (gateway) -> app (API and business services) -> data (stores).
Each component's policy selects its own pods and lists both policy types, so anything not allowed here is denied:
- public: ingress from anywhere on the front port; egress only to the API pods.
- app: ingress from app peers, from the public zone only where `networkPolicy.ingressFromPublic` (the API), and
  scrapes from the monitoring namespace; egress to the app and data zones (and to external stores).
- data: ingress from the app zone and the store's own pods; egress only to its own pods.
*/}}
{{- define "common.networkPolicy" -}}
{{- $g := include "common.global" . | fromYaml -}}
{{- if $g.networkPolicy.enabled }}
{{- $zone := .Values.zone }}
{{- $np := default (dict) .Values.networkPolicy }}
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: {{ include "common.names.service" . }}
  namespace: {{ .Release.Namespace }}
  labels:
    {{- include "common.labels.standard" . | nindent 4 }}
spec:
  # Every pod of the component in this release, hook Jobs included.
  podSelector:
    matchLabels:
      app.kubernetes.io/instance: {{ .Release.Name | quote }}
      app.kubernetes.io/component: {{ include "common.names.component" . }}
  policyTypes: [Ingress, Egress]
  ingress:
    {{- if eq $zone "public" }}
    - ports:
        - port: http
    {{- else if eq $zone "app" }}
    - from:
        - podSelector:
            matchLabels:
              release-kit.dev/zone: app
    {{- if $np.ingressFromPublic }}
    - from:
        - podSelector:
            matchLabels:
              release-kit.dev/zone: public
      ports:
        - port: http
    {{- end }}
    {{- with $g.networkPolicy.monitoringNamespace }}
    - from:
        - namespaceSelector:
            matchLabels:
              kubernetes.io/metadata.name: {{ . }}
      ports:
        - port: http
    {{- end }}
    {{- else if eq $zone "data" }}
    - from:
        - podSelector:
            matchLabels:
              release-kit.dev/zone: app
        - podSelector:
            matchLabels:
              release-kit.dev/zone: data
              app.kubernetes.io/component: {{ include "common.names.component" . }}
    {{- end }}
  egress:
    {{- include "common.networkPolicy.dns" . | nindent 4 }}
    {{- if eq $zone "public" }}
    - to:
        - podSelector:
            matchLabels:
              release-kit.dev/zone: app
              app.kubernetes.io/component: {{ required "networkPolicy.upstreamComponent is required in the public zone" $np.upstreamComponent }}
      ports:
        - port: {{ required "upstream.port is required in the public zone" .Values.upstream.port }}
    {{- else if eq $zone "app" }}
    - to:
        - podSelector:
            matchLabels:
              release-kit.dev/zone: app
        - podSelector:
            matchLabels:
              release-kit.dev/zone: data
    {{- range $name, $store := $g.stores }}
    {{- if $store.external }}
    # {{ $name }} is a managed endpoint outside the cluster.
    - to:
        - ipBlock:
            cidr: 0.0.0.0/0
      ports:
        - port: {{ $store.port }}
    {{- end }}
    {{- end }}
    {{- else if eq $zone "data" }}
    - to:
        - podSelector:
            matchLabels:
              release-kit.dev/zone: data
              app.kubernetes.io/component: {{ include "common.names.component" . }}
    {{- end }}
{{- end }}
{{- end -}}

{{/* Every pod may resolve names through the cluster DNS. */}}
{{- define "common.networkPolicy.dns" -}}
- to:
    - namespaceSelector: {}
      podSelector:
        matchLabels:
          k8s-app: kube-dns
  ports:
    - port: 53
      protocol: UDP
    - port: 53
      protocol: TCP
{{- end -}}
