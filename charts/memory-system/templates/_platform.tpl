{{/* The scrape jobs the rules watch, as a regular expression: api|memory|storage */}}
{{- define "memory-system.jobRegex" -}}
{{- $jobs := list -}}
{{- range .Values.platform.monitoring.scrapeConfigs }}{{ $jobs = append $jobs .job_name }}{{ end -}}
{{- join "|" $jobs -}}
{{- end -}}

{{/*
Recording rules named level:metric:operations and alerts (seed 4.1). Error ratios are computed per window for
the multi-window burn-rate alerts (SRE workbook: 14.4x over 1h and 5m, 6x over 6h and 30m). A job without 5xx
series still gets a ratio of 0 (`or … * 0`): Prometheus returns no sample, not 0, for a missing series.
*/}}
{{- define "memory-system.ruleGroups" -}}
{{- $r := .Values.platform.monitoring.rules -}}
{{- $sel := printf "job=~%q" (include "memory-system.jobRegex" .) -}}
{{- $budget := printf "(1 - %v)" $r.objective -}}
- name: memory-system.recording
  interval: {{ .Values.global.monitoring.evaluationInterval }}
  rules:
    - record: job:http_requests:rate1m
      expr: sum by (job) (rate(http_requests_total{ {{- $sel -}} }[1m]))
    {{- range $w := list "1m" "5m" "30m" "1h" "6h" }}
    - record: job:http_request_failures_per_requests:ratio_rate{{ $w }}
      expr: |
        (
          sum by (job) (rate(http_requests_total{ {{- $sel -}} ,code=~"5.."}[{{ $w }}]))
          or
          sum by (job) (rate(http_requests_total{ {{- $sel -}} }[{{ $w }}])) * 0
        )
        /
        sum by (job) (rate(http_requests_total{ {{- $sel -}} }[{{ $w }}]))
    {{- end }}
    {{- range $q := concat $r.latencyQuantiles (list $r.latencyAlertQuantile) | uniq }}
    - record: job:http_request_duration_seconds:histogram_quantile_rate1m
      expr: histogram_quantile({{ $q }}, sum by (job, le) (rate(http_request_duration_seconds_bucket{ {{- $sel -}} }[1m])))
      labels:
        quantile: {{ $q | quote }}
    {{- end }}
- name: memory-system.alerts
  interval: {{ .Values.global.monitoring.evaluationInterval }}
  rules:
    - alert: HTTPErrorRatioHigh
      expr: job:http_request_failures_per_requests:ratio_rate1m > {{ $r.errorRatioThreshold }}
      for: 2m
      labels:
        severity: critical
      annotations:
        summary: '{{ "{{ $labels.job }}" }}: {{ "{{ $value | humanizePercentage }}" }} of requests fail (threshold {{ mulf $r.errorRatioThreshold 100 }} %)'
    - alert: ErrorBudgetBurnFast
      expr: |
        job:http_request_failures_per_requests:ratio_rate1h > (14.4 * {{ $budget }})
        and
        job:http_request_failures_per_requests:ratio_rate5m > (14.4 * {{ $budget }})
      for: 2m
      labels:
        severity: page
      annotations:
        summary: '{{ "{{ $labels.job }}" }} burns its error budget 14.4 times too fast (1h and 5m windows)'
    - alert: ErrorBudgetBurnSlow
      expr: |
        job:http_request_failures_per_requests:ratio_rate6h > (6 * {{ $budget }})
        and
        job:http_request_failures_per_requests:ratio_rate30m > (6 * {{ $budget }})
      for: 15m
      labels:
        severity: ticket
      annotations:
        summary: '{{ "{{ $labels.job }}" }} burns its error budget 6 times too fast (6h and 30m windows)'
    - alert: HTTPLatencyHigh
      expr: job:http_request_duration_seconds:histogram_quantile_rate1m{quantile="{{ $r.latencyAlertQuantile }}"} > {{ $r.latencyThresholdSeconds }}
      for: 5m
      labels:
        severity: warning
      annotations:
        summary: '{{ "{{ $labels.job }}" }}: {{ $r.latencyAlertQuantile }} latency quantile {{ "{{ $value | humanizeDuration }}" }}'
{{- end -}}

{{/* Elasticsearch: the managed endpoint, or the ECK cluster's HTTP Service. */}}
{{- define "memory-system.es.url" -}}
{{- $es := .Values.platform.logging.elasticsearch -}}
{{- if $es.external.url -}}
{{- $es.external.url -}}
{{- else -}}
{{- printf "https://%s-es-http.%s.svc:9200" $es.clusterName .Release.Namespace -}}
{{- end -}}
{{- end -}}

{{/* "true" when the chart renders the ECK Elasticsearch itself. */}}
{{- define "memory-system.es.managed" -}}
{{- if and (not .Values.platform.logging.elasticsearch.external.url) (.Capabilities.APIVersions.Has "elasticsearch.k8s.elastic.co/v1/Elasticsearch") -}}
true
{{- end -}}
{{- end -}}

{{/* "true" when log shipping has somewhere to go. */}}
{{- define "memory-system.es.available" -}}
{{- if or .Values.platform.logging.elasticsearch.external.url (include "memory-system.es.managed" .) -}}
true
{{- end -}}
{{- end -}}
