{{/* The release's name for every object: "<release>-orderflow", or the
release name alone when it already says orderflow. */}}
{{- define "orderflow.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "orderflow.labels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{- define "orderflow.selectorLabels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{/* The Secret that holds kafka.properties. */}}
{{- define "orderflow.kafkaSecret" -}}
{{- if .Values.kafkaCredentials.existingSecret -}}
{{- .Values.kafkaCredentials.existingSecret -}}
{{- else -}}
{{- printf "%s-kafka" (include "orderflow.fullname" .) -}}
{{- end -}}
{{- end -}}

{{- define "orderflow.httpTokenSecret" -}}
{{- if .Values.httpToken.existingSecret -}}
{{- .Values.httpToken.existingSecret -}}
{{- else -}}
{{- printf "%s-http-token" (include "orderflow.fullname" .) -}}
{{- end -}}
{{- end -}}
