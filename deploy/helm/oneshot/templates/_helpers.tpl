{{/* Names, labels and the pieces every pod shares. */}}

{{- define "oneshot.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "oneshot.labels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{/* selector labels of one component: (dict "root" $ "component" "api") */}}
{{- define "oneshot.selectorLabels" -}}
app.kubernetes.io/name: {{ .root.Chart.Name }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{- define "oneshot.image" -}}
{{- printf "%s:%s" .Values.image.repository (.Values.image.tag | default .Chart.AppVersion) -}}
{{- end -}}

{{- define "oneshot.gpuImage" -}}
{{- printf "%s:%s" .Values.image.gpuRepository (.Values.image.tag | default .Chart.AppVersion) -}}
{{- end -}}

{{/* environment of every process: the shared ConfigMap and the operator's Secret */}}
{{- define "oneshot.envFrom" -}}
- configMapRef:
    name: {{ include "oneshot.fullname" . }}
- secretRef:
    name: {{ required "secretName: the Secret with DATABASE_URL, JWT_SECRET, S3_KEY, S3_SECRET" .Values.secretName }}
{{- end -}}

{{/* a component's own variables: (dict "env" .Values.api.env) */}}
{{- define "oneshot.env" -}}
{{- range $name, $value := .env }}
- name: {{ $name }}
  value: {{ $value | quote }}
{{- end }}
{{- end -}}

{{- define "oneshot.podSpecCommon" -}}
serviceAccountName: {{ include "oneshot.fullname" . }}
automountServiceAccountToken: false
securityContext:
  {{- toYaml .Values.podSecurityContext | nindent 2 }}
{{- with .Values.imagePullSecrets }}
imagePullSecrets:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end -}}
