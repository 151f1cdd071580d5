{{/*
An image reference from {repository, tag, digest}. A digest wins over the tag ("deploy by digest").
dict: image, global
*/}}
{{- define "common.images.image" -}}
{{- $repo := .image.repository -}}
{{- with .global.imageRegistry }}{{ $repo = printf "%s/%s" . $repo }}{{ end -}}
{{- if .image.digest -}}
{{- printf "%s@%s" $repo .image.digest -}}
{{- else -}}
{{- printf "%s:%s" $repo (toString .image.tag) -}}
{{- end -}}
{{- end -}}
